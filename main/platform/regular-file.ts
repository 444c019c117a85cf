// Files that others write (launch items, the files they name, captures, an approvals file handed in) are read through
// one open descriptor: the kind of file, its size, its identity and its bytes all come from the same open file. A
// look by name and then a read by name could be told apart by whoever owns the folder: the name swapped in between
// for a FIFO blocks the reader for ever in open(2) (and with it the monitor, or Electron's main process for a read
// that is synchronous), for a device it never ends, for a larger file it is read whole, and for another file its bytes
// are kept under the first one's identity (a cache or an approval then vouches for what is not there).
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** What reading a file found: its bytes, or why they were not read (always with what fstat(2) said of it). */
export type RegularFileRead =
  | { bytes: Buffer; info: Stats; refused?: undefined }
  | { refused: 'not a regular file' | 'too large'; info: Stats; bytes?: undefined };

export interface ReadOptions {
  /** Refuse a symbolic link as the last part of the name (ELOOP) instead of following it. */
  noFollow?: boolean;
}

/**
 * O_NONBLOCK makes open(2) of a FIFO return at once instead of waiting for a writer (POSIX open(2), fifo(7)); on a
 * regular file it changes nothing. O_NOCTTY keeps a terminal device from becoming the reader's controlling terminal.
 * Neither is read from before fstat(2) says it is a regular file. (Windows has neither flag, nor FIFOs by name.)
 */
function openFlags(options: ReadOptions): number {
  return (
    constants.O_RDONLY |
    (constants.O_NONBLOCK ?? 0) |
    (constants.O_NOCTTY ?? 0) |
    (options.noFollow === true ? (constants.O_NOFOLLOW ?? 0) : 0)
  );
}

const CHUNK = 64 * 1024;

/**
 * A regular file's bytes, at most `maxBytes` of them: a file larger than that when opened, or grown past it while read,
 * is refused; so is anything that is not a regular file, before a byte of it is read. Errors of open(2) (ENOENT,
 * EACCES, EPERM, ELOOP) are thrown as they come, for the caller to say what they mean where it reads.
 */
export function readRegularFileSync(path: string, maxBytes: number, options: ReadOptions = {}): RegularFileRead {
  const { fd, info } = openRegularFileSync(path, options);
  if (fd === undefined) return { refused: 'not a regular file', info };
  try {
    const bytes = info.size > maxBytes ? undefined : readUpToSync(fd, maxBytes);
    return bytes === undefined ? { refused: 'too large', info } : { bytes, info };
  } finally {
    closeSync(fd);
  }
}

/** The file open for reading with what fstat(2) says of it; `fd` only when it is a regular file (closed otherwise). */
export function openRegularFileSync(path: string, options: ReadOptions = {}): { fd: number | undefined; info: Stats } {
  const fd = openSync(path, openFlags(options));
  let info: Stats;
  try {
    info = fstatSync(fd);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  if (info.isFile()) return { fd, info };
  closeSync(fd);
  return { fd: undefined, info };
}

/** The rest of an open file from its current offset, or undefined when it holds more than `maxBytes`. */
export function readUpToSync(fd: number, maxBytes: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  const whole = readEachChunkSync(fd, maxBytes, (chunk) => {
    chunks.push(Buffer.from(chunk));
    total += chunk.length;
  });
  return whole ? Buffer.concat(chunks, total) : undefined;
}

/**
 * Each chunk of an open file from its current offset to its end, handed to `take` (the buffer is reused: copy what is
 * kept); false, having stopped, once more than `maxBytes` came. Nothing of the file is held, whatever its size.
 */
export function readEachChunkSync(fd: number, maxBytes: number, take: (chunk: Buffer) => void): boolean {
  const buffer = Buffer.allocUnsafe(CHUNK);
  let total = 0;
  for (;;) {
    // One byte past the bound tells a file that grew past it from one that ends there; no more is read.
    const got = readSync(fd, buffer, 0, Math.min(CHUNK, maxBytes + 1 - total), null);
    if (got === 0) return true;
    total += got;
    if (total > maxBytes) return false;
    take(buffer.subarray(0, got));
  }
}

/** What fstat(2) says a file is, in words for a message ("a FIFO"). */
export function kindOfFile(info: Stats): string {
  if (info.isFile()) return 'a regular file';
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** readRegularFileSync, without holding the thread that runs JavaScript. */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  options: ReadOptions = {},
): Promise<RegularFileRead> {
  const opened = await openRegularFile(path, options);
  try {
    const { handle, info } = opened;
    if (handle === undefined) return { refused: 'not a regular file', info };
    if (info.size > maxBytes) return { refused: 'too large', info };
    const bytes = await readUpTo(handle, maxBytes);
    return bytes === undefined ? { refused: 'too large', info } : { bytes, info };
  } finally {
    await opened.close();
  }
}

/**
 * The file open for reading with what fstat(2) says of it; `handle` only when it is a regular file (anything else is
 * closed again, unread). Whoever reads it reads from `handle` and calls `close` when done.
 */
export async function openRegularFile(
  path: string,
  options: ReadOptions = {},
): Promise<{ handle: FileHandle | undefined; info: Stats; close: () => Promise<void> }> {
  const handle = await open(path, openFlags(options));
  let info: Stats;
  try {
    info = await handle.stat();
  } catch (error) {
    await handle.close();
    throw error;
  }
  if (!info.isFile()) {
    await handle.close();
    return { handle: undefined, info, close: async () => {} };
  }
  return { handle, info, close: () => handle.close() };
}

/** readUpToSync for a handle. */
async function readUpTo(handle: FileHandle, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) return undefined;
  }
}

/** A refused file's size in words: what fstat(2) said, or that it grew past the bound while it was read. */
export function sizeWords(size: number, maxBytes: number): string {
  return size > maxBytes ? `${size} bytes` : 'grew past it while it was read';
}
