// SHA-256 of program files for the approved inventory, cached by path and file identity (ctime
// included) so that a minute's inventory re-read does not re-hash unchanged binaries, and a binary
// rewritten in place with its mtime set back is hashed again. The identity and the bytes come from one
// open file (regular-file.ts): a name swapped between a look and a read would otherwise have one file's
// digest cached under the other's identity, and the approval of the first vouch for the second.
import { createHash } from 'node:crypto';
import { fileIdentity } from './file-identity';
import { openRegularFile } from './regular-file';

const MAX_HASHED_BYTES = 512 * 1024 * 1024;
const CHUNK = 1024 * 1024;

export class FileHasher {
  private readonly cache = new Map<string, { identity: string; sha256: string }>();

  async sha256(path: string): Promise<string | undefined> {
    let opened: Awaited<ReturnType<typeof openRegularFile>> | undefined;
    try {
      opened = await openRegularFile(path);
      const { handle, info } = opened;
      if (handle === undefined || info.size > MAX_HASHED_BYTES) return undefined;
      const identity = fileIdentity(info);
      const cached = this.cache.get(path);
      if (cached?.identity === identity) return cached.sha256;
      const hash = createHash('sha256');
      const chunk = Buffer.allocUnsafe(CHUNK);
      let total = 0;
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
        if (bytesRead === 0) break;
        total += bytesRead;
        if (total > MAX_HASHED_BYTES) return undefined;
        hash.update(chunk.subarray(0, bytesRead));
      }
      // Written to while it was read: these bytes are no version of it; the next read hashes it again.
      if (fileIdentity(await handle.stat()) !== identity) return undefined;
      const sha256 = hash.digest('hex');
      this.cache.set(path, { identity, sha256 });
      return sha256;
    } catch {
      return undefined;
    } finally {
      await opened?.close();
    }
  }
}
