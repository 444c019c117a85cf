import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchFolders } from '../../main/platform/watch-folders';

describe('watching launch item folders', () => {
  it('calls back once after a burst of changes, ignores folders that do not exist, and stops when asked', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lw-watch-'));
    let calls = 0;
    const stop = watchFolders([folder, join(folder, 'missing')], () => calls++);
    writeFileSync(join(folder, 'a.plist'), '1');
    writeFileSync(join(folder, 'b.plist'), '2');
    await new Promise((r) => setTimeout(r, 600));
    expect(calls).toBe(1);
    stop();
    writeFileSync(join(folder, 'c.plist'), '3');
    await new Promise((r) => setTimeout(r, 600));
    expect(calls).toBe(1);
  });
});
