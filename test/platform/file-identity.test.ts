import { utimesSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FileHasher } from '../../main/platform/file-hash';
import { fileIdentity } from '../../main/platform/file-identity';

describe('file versions for caches', () => {
  it('a program rewritten in place, same size, its mtime set back, is hashed again', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-ident-')), 'agent');
    writeFileSync(path, 'benign build 1');
    // Whole seconds: a time in milliseconds does not round-trip exactly through utimes on every
    // filesystem (a clean-clone run read back …394.999 for …395), and the point here is an exact match.
    const oldTime = 1_700_000_000;
    utimesSync(path, oldTime, oldTime);
    const hasher = new FileHasher();
    const first = await hasher.sha256(path);
    const before = fileIdentity(statSync(path));
    await sleep(20);
    // What a miner's installer can do as the file's owner: same length, old times put back.
    writeFileSync(path, 'miner! build 1');
    utimesSync(path, oldTime, oldTime);
    expect(statSync(path).mtimeMs).toBe(oldTime * 1000);
    expect(fileIdentity(statSync(path))).not.toBe(before);
    const second = await hasher.sha256(path);
    expect(second).not.toBe(first);
    // Unchanged: the cached hash, the same identity.
    expect(fileIdentity(statSync(path))).toBe(fileIdentity(statSync(path)));
    expect(await hasher.sha256(path)).toBe(second);
  });
});
