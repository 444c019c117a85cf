// Writes that survive a crash at any instant: to a temporary file in the same folder, fsynced, renamed
// over the target, and the folder fsynced, so the target is always either the old or the new content.
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { kindOfFile, openRegularFileSync, readEachChunkSync } from '../platform/regular-file';

/** Temporary files of atomic writes: recovery removes the ones a kill left behind. */
export const TEMP_PREFIX = '.launchwatch-';
export const TEMP_SUFFIX = '.tmp';

/**
 * The write primitives, replaceable in tests to act as a full disk does (short writes, ENOSPC), or a quarantine on
 * another volume (a rename that fails with EXDEV).
 */
export const io = { writeSync, copyFileSync, renameSync };

export function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  const fd = openSync(temp, 'wx', mode);
  try {
    try {
      writeAll(fd, bytes, temp);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // What reached the file is read back: only the exact bytes ever replace the target.
    const written = readFileSync(temp);
    if (written.length !== bytes.length || sha256(written) !== sha256(bytes))
      throw new Error(`${temp}: ${written.length} of ${bytes.length} bytes were written; ${path} was left as it was`);
    renameSync(temp, path);
  } catch (error) {
    if (existsSync(temp)) unlinkSync(temp);
    throw error;
  }
  fsyncFolder(dirname(path));
}

/** writeSync may write less than asked (a full disk, a signal): write the rest, and stop when nothing more goes. */
export function writeAll(fd: number, bytes: Uint8Array, where: string): void {
  let offset = 0;
  while (offset < bytes.length) {
    let wrote: number;
    try {
      wrote = io.writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      throw new Error(`${where}: the disk took ${offset} of ${bytes.length} bytes: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (wrote <= 0) throw new Error(`${where}: the disk took ${offset} of ${bytes.length} bytes (is it full?)`);
    offset += wrote;
  }
}

/**
 * `source` copied over `path` the same crash-safe way. Node's copyFile copies the bytes, mode and times, on a Mac as on
 * Linux: libuv dropped copyfile(3) in v1.45.0 (commit 15e81386b), so extended attributes and ACLs do not come along.
 */
export function copyFileAtomic(source: string, path: string, mode: number): void {
  const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  try {
    io.copyFileSync(source, temp, constants.COPYFILE_EXCL);
    chmodSync(temp, mode);
    fsyncFile(temp);
    if (sha256File(temp) !== sha256File(source))
      throw new Error(`${temp}: the copy of ${source} does not match it; ${path} was left as it was`);
    renameSync(temp, path);
  } catch (error) {
    if (existsSync(temp)) unlinkSync(temp);
    throw error;
  }
  fsyncFolder(dirname(path));
}

/** Flushes a file (or, with the folder, the names in it) to the disk; on macOS Node uses F_FULLFSYNC. */
export function fsyncFile(path: string): void {
  fsyncPath(path, 'r+');
}

export function fsyncFolder(path: string): void {
  fsyncPath(path, 'r');
}

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The SHA-256 of the regular file at `path`, read through one descriptor opened without waiting (regular-file.ts): a
 * name that became a FIFO or a device is refused, naming it, instead of blocking the process or being read for ever.
 */
export function sha256File(path: string): string {
  const { fd, info } = openRegularFileSync(path);
  if (fd === undefined) throw new Error(`${path} is ${kindOfFile(info)}, not a regular file`);
  try {
    const hash = createHash('sha256');
    readEachChunkSync(fd, Number.POSITIVE_INFINITY, (chunk) => hash.update(chunk));
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
