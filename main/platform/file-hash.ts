// SHA-256 of program files for the approved inventory, cached by path and file identity (ctime
// included) so that a minute's inventory re-read does not re-hash unchanged binaries, and a binary
// rewritten in place with its mtime set back is hashed again.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileIdentity } from './file-identity';

const MAX_HASHED_BYTES = 512 * 1024 * 1024;

export class FileHasher {
  private readonly cache = new Map<string, { identity: string; sha256: string }>();

  async sha256(path: string): Promise<string | undefined> {
    try {
      const info = await stat(path);
      if (!info.isFile() || info.size > MAX_HASHED_BYTES) return undefined;
      const cached = this.cache.get(path);
      const identity = fileIdentity(info);
      if (cached?.identity === identity) return cached.sha256;
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
      const sha256 = hash.digest('hex');
      this.cache.set(path, { identity, sha256 });
      return sha256;
    } catch {
      return undefined;
    }
  }
}
