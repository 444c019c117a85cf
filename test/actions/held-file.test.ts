// The launch item's own file, looked at and copied through one open descriptor (main/actions/held-file.ts): what is
// not a regular file is named and never read, a link is never followed, and a copy is whole or not there at all.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyHeldFile, lookAt, somethingAt } from '../../main/actions/held-file';

const folder = (): string => mkdtempSync(join(tmpdir(), 'lw-held-'));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('a held file', () => {
  it('is copied with its times and hash, from the same open file; the copy is private to its owner', () => {
    const dir = folder();
    const path = join(dir, 'com.example.plist');
    writeFileSync(path, '<plist/>', { mode: 0o644 });
    utimesSync(path, new Date('2024-01-02T03:04:05Z'), new Date('2024-05-06T07:08:09Z'));
    const copied = copyHeldFile(path, join(dir, 'copy'));
    expect(copied.sha256).toBe(sha256('<plist/>'));
    expect(copied.info.mode & 0o777).toBe(0o644);
    expect(readFileSync(join(dir, 'copy'), 'utf8')).toBe('<plist/>');
    expect(statSync(join(dir, 'copy')).mtime.toISOString()).toBe('2024-05-06T07:08:09.000Z');
    expect(statSync(join(dir, 'copy')).mode & 0o777).toBe(0o600);
  });

  it('a device, a folder or a link is named and never read; a link is named with what it points at', () => {
    const dir = folder();
    symlinkSync('/dev/zero', join(dir, 'link'));
    expect(lookAt('/dev/zero')).toEqual({ kind: 'other', what: 'a device' });
    expect(lookAt(dir)).toEqual({ kind: 'other', what: 'a folder' });
    expect(lookAt(join(dir, 'link'))).toEqual({ kind: 'other', what: 'a symbolic link (to /dev/zero)' });
    expect(() => copyHeldFile(join(dir, 'link'), join(dir, 'copy'))).toThrow(
      `${join(dir, 'link')} is a symbolic link (to /dev/zero), not a regular file: nothing was copied`,
    );
    expect(existsSync(join(dir, 'copy'))).toBe(false);
  });

  it('missing is told apart from a dangling link, which is something at the name', () => {
    const dir = folder();
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    expect(lookAt(join(dir, 'absent'))).toEqual({ kind: 'missing' });
    expect(somethingAt(join(dir, 'absent'))).toBe(false);
    expect(somethingAt(join(dir, 'dangling'))).toBe(true);
    expect(lookAt(join(dir, 'dangling'))).toMatchObject({ kind: 'other' });
  });

  it('one larger than the bound is refused, naming it, and leaves no partial copy', () => {
    const dir = folder();
    writeFileSync(join(dir, 'big'), 'x'.repeat(200 * 1024));
    expect(() => copyHeldFile(join(dir, 'big'), join(dir, 'copy'), 100 * 1024)).toThrow(
      `${join(dir, 'big')} holds more than 102400 bytes, more than Launchwatch copies into its quarantine`,
    );
    expect(existsSync(join(dir, 'copy'))).toBe(false);
    expect(copyHeldFile(join(dir, 'big'), join(dir, 'copy'), 200 * 1024).sha256).toBe(sha256('x'.repeat(200 * 1024)));
  });

  it('an existing copy is never replaced', () => {
    const dir = folder();
    writeFileSync(join(dir, 'a'), 'new');
    writeFileSync(join(dir, 'copy'), 'kept');
    expect(() => copyHeldFile(join(dir, 'a'), join(dir, 'copy'))).toThrow(/EEXIST/);
    expect(readFileSync(join(dir, 'copy'), 'utf8')).toBe('kept');
  });
});
