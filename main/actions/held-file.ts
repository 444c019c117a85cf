// The launch item's own file (a plist in a user's LaunchAgents, a unit in ~/.config/systemd/user) is in a folder that
// the program it starts can write: between a look by name and a read by name it can become a FIFO (open(2) then waits
// for a writer, holding Electron's main process while the user waits on Disable or Undo), a link to a device (read for
// ever), or another file. So each look at it here opens it once, without following a last link and without waiting
// (regular-file.ts), and its hash, its copy, its size and its times all come from that one open file.
import { createHash } from 'node:crypto';
import { closeSync, futimesSync, fsyncSync, lstatSync, openSync, readlinkSync, unlinkSync, type Stats } from 'node:fs';
import { kindOfFile, openRegularFileSync, readEachChunkSync } from '../platform/regular-file';
import { sha256File, writeAll } from './atomic-file';

/**
 * The most of one file the quarantine copies. A launch plist or unit is a few KiB; a larger one is copied whole up to
 * here (it streams, never held in memory), so padding a plist cannot keep it from being disabled short of this.
 */
export const MAX_HELD_BYTES = 256 * 1024 * 1024;

/** What is at a path now: nothing, a regular file (with its hash), or something else, named. */
export type Found =
  { kind: 'missing' } | { kind: 'regular'; sha256: string; info: Stats } | { kind: 'other'; what: string };

/** Something at the name itself (a dangling link included), as lstat(2) sees it. */
export function somethingAt(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** What is at `path`, hashed through one open descriptor; a last link is named, not followed. */
export function lookAt(path: string): Found {
  const opened = open(path);
  if ('kind' in opened) return opened;
  try {
    return { kind: 'regular', sha256: streamFrom(opened.fd, path, MAX_HELD_BYTES, () => {}), info: opened.info };
  } finally {
    closeSync(opened.fd);
  }
}

/**
 * The regular file at `path` copied into `destination` (created, never replaced; mode 0600 in a private folder: the
 * journal records the original's mode, owner and times for undo), with the original's access and modification
 * times, flushed, then read back and checked. The hash is of the bytes copied, from the same open file.
 */
export function copyHeldFile(
  path: string,
  destination: string,
  maxBytes = MAX_HELD_BYTES,
): { sha256: string; info: Stats } {
  const opened = open(path);
  if ('kind' in opened) {
    const what = opened.kind === 'missing' ? 'gone' : opened.what;
    throw new Error(`${path} is ${what}, not a regular file: nothing was copied`);
  }
  try {
    const out = openSync(destination, 'wx', 0o600);
    let sha256: string;
    try {
      sha256 = streamFrom(opened.fd, path, maxBytes, (chunk) => writeAll(out, chunk, destination));
      futimesSync(out, opened.info.atime, opened.info.mtime);
      fsyncSync(out);
    } catch (error) {
      closeSync(out);
      unlinkSync(destination);
      throw error;
    }
    closeSync(out);
    if (sha256File(destination) !== sha256) throw new Error(`the copy of ${path} in ${destination} does not match it`);
    return { sha256, info: opened.info };
  } finally {
    closeSync(opened.fd);
  }
}

function open(path: string): { fd: number; info: Stats } | Exclude<Found, { kind: 'regular' }> {
  let opened: ReturnType<typeof openRegularFileSync>;
  try {
    opened = openRegularFileSync(path, { noFollow: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    // O_NOFOLLOW's answer for a last part that is a link: ELOOP on Linux and macOS (open(2)); FreeBSD says EMLINK.
    if (code === 'ELOOP' || code === 'EMLINK') return { kind: 'other', what: `a symbolic link${linkTarget(path)}` };
    throw error;
  }
  if (opened.fd === undefined) return { kind: 'other', what: kindOfFile(opened.info) };
  return { fd: opened.fd, info: opened.info };
}

/** " (to …)", what a link says it points at, cut short: words for a message, never followed. */
function linkTarget(path: string): string {
  try {
    const target = readlinkSync(path);
    return ` (to ${target.length > 300 ? `${target.slice(0, 300)}…` : target})`;
  } catch {
    return '';
  }
}

/** Reads the open file to its end, handing each chunk on; its SHA-256. Past `maxBytes` it stops, saying so. */
function streamFrom(fd: number, path: string, maxBytes: number, take: (chunk: Buffer) => void): string {
  const hash = createHash('sha256');
  const whole = readEachChunkSync(fd, maxBytes, (chunk) => {
    hash.update(chunk);
    take(chunk);
  });
  if (!whole)
    throw new Error(`${path} holds more than ${maxBytes} bytes, more than Launchwatch copies into its quarantine`);
  return hash.digest('hex');
}
