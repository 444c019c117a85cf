// A capture's files, from a folder or a .tar.gz of one folder. A capture comes from the machine under
// suspicion: links are never followed, paths never leave the capture, and sizes are bounded.
import { opendir, readlink, stat, type FileHandle } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { openRegularFile, readRegularFile, sizeWords } from '../regular-file';

export interface CaptureFiles {
  /** Where the capture came from, for messages. */
  readonly origin: string;
  /** Relative paths (posix) of every regular file. */
  list(): string[];
  read(path: string): Buffer | undefined;
  mtime(path: string): Date | undefined;
  /** Files that are in the capture but were not read, and why (too large, a link that leaves it, not a file). */
  skipped(): Map<string, string>;
  /** Symbolic links that resolved to a file inside the capture: link -> target (both relative). */
  links(): Map<string, string>;
}

export class CaptureError extends Error {}

const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;
const MAX_ENTRIES = 200_000;
const MAX_DEPTH = 64;
const MAX_LINK_HOPS = 8;

interface Collected {
  files: Map<string, { bytes: Buffer; mtime: Date }>;
  /** link path -> its target as written in the link. */
  links: Map<string, string>;
  skipped: Map<string, string>;
}

export async function openCaptureFiles(path: string): Promise<CaptureFiles> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new CaptureError(`${path}: no such capture folder or archive`);
  }
  if (info.isDirectory()) return readFolder(path);
  if (!info.isFile()) throw new CaptureError(`${path}: not a folder or a file (a capture is a folder or a .tar.gz)`);
  if (/\.(tar\.gz|tgz)$/i.test(path)) return readArchive(path);
  throw new CaptureError(`${path}: a capture is a folder or a .tar.gz of one folder`);
}

async function readFolder(root: string): Promise<CaptureFiles> {
  const collected: Collected = { files: new Map(), links: new Map(), skipped: new Map() };
  let total = 0;
  let count = 0;
  const walk = async (relative: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) throw new CaptureError(`${root}: folders nested deeper than ${MAX_DEPTH} levels`);
    // A name at a time: a folder of millions of entries is refused past the bound, not held whole first.
    for await (const entry of await opendir(join(root, relative))) {
      if (++count > MAX_ENTRIES) throw new CaptureError(`${root}: more than ${MAX_ENTRIES} files`);
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(rel, depth + 1);
      else if (entry.isFile()) {
        // Through one open file, not followed if it became a link: the folder may change while it is read.
        const got = await readRegularFile(join(root, rel), MAX_FILE_BYTES, { noFollow: true }).catch(
          (error: NodeJS.ErrnoException) => {
            if (error.code === 'ELOOP') return 'a symbolic link when it was read: not read';
            throw error;
          },
        );
        if (typeof got === 'string' || got.bytes === undefined) {
          const why =
            typeof got === 'string'
              ? got
              : got.refused === 'too large'
                ? `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB (${sizeWords(got.info.size, MAX_FILE_BYTES)}): not read`
                : 'not a regular file when it was read: not read';
          collected.skipped.set(rel, why);
          continue;
        }
        total += got.bytes.length;
        if (total > MAX_TOTAL_BYTES)
          throw new CaptureError(`${root}: capture is larger than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB`);
        collected.files.set(rel, { bytes: got.bytes, mtime: got.info.mtime });
      } else if (entry.isSymbolicLink()) {
        // Resolved later, and only to files inside the capture: its links could point anywhere on this machine.
        collected.links.set(rel, await readlink(join(root, rel)));
      } else collected.skipped.set(rel, 'not a regular file (a device, socket or pipe): not read');
    }
  };
  await walk('', 0);
  return fromCollected(root, collected);
}

/** The archive read through one open file: a name swapped for a FIFO after the look does not block the reader. */
async function readArchive(path: string): Promise<CaptureFiles> {
  const { handle, close } = await openRegularFile(path);
  if (handle === undefined) throw new CaptureError(`${path}: not a regular file (a capture is a folder or a .tar.gz)`);
  try {
    return await readArchiveFrom(path, handle);
  } finally {
    await close();
  }
}

async function readArchiveFrom(path: string, handle: FileHandle): Promise<CaptureFiles> {
  const raw: Collected = { files: new Map(), links: new Map(), skipped: new Map() };
  let total = 0;
  let entries = 0;
  await expectGzip(path, handle);
  const warnings: string[] = [];
  const input = handle.createReadStream({ start: 0, autoClose: false });
  // Stops reading as soon as a limit is passed: a gzip bomb never gets to expand in full.
  const tooLarge = (why: string): void => {
    input.destroy(new CaptureError(`${path}: ${why}`));
  };
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      if (++entries > MAX_ENTRIES) tooLarge(`more than ${MAX_ENTRIES} entries`);
      const name = safeRelative(entry.path);
      const skip = (why?: string): void => {
        if (why !== undefined && name !== undefined) raw.skipped.set(name, why);
        entry.resume();
      };
      if (name === undefined) return skip();
      if (entry.type === 'SymbolicLink' && entry.linkpath) {
        raw.links.set(name, entry.linkpath);
        return skip();
      }
      if (entry.type === 'Directory') return skip();
      if (entry.type !== 'File') return skip(`not a regular file (tar entry type ${entry.type}): not read`);
      if ((entry.size ?? 0) > MAX_FILE_BYTES)
        return skip(`larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB (${entry.size} bytes): not read`);
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > MAX_TOTAL_BYTES) tooLarge(`capture is larger than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB`);
        else chunks.push(chunk);
      });
      entry.on('end', () => raw.files.set(name, { bytes: Buffer.concat(chunks), mtime: entry.mtime ?? new Date(0) }));
    },
  });
  // tar reports a damaged archive as warnings, not errors; a capture must be whole to be trusted.
  parser.on('warn', (code: string, message: string | Error) =>
    warnings.push(`${code}: ${typeof message === 'string' ? message : message.message}`),
  );
  try {
    await pipeline(input, parser);
  } catch (error) {
    if (error instanceof CaptureError) throw error;
    const message = (error as Error).message;
    if ((error as { code?: string }).code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message))
      throw new CaptureError(`${path}: the archive is truncated (the gzip stream ends early)`);
    throw new CaptureError(`${path}: cannot read the archive: ${message}`);
  }
  if (warnings.length > 0) {
    const truncated = warnings.some((w) => w.includes('TAR_ABORTED') || /truncat|unexpected end/i.test(w));
    throw new CaptureError(
      `${path}: ${truncated ? 'the tar archive inside the gzip is truncated' : 'the tar archive inside the gzip is damaged'} (${warnings[0]})`,
    );
  }
  // The archive holds one folder: strip it, wherever manifest.json sits.
  const manifest = [...raw.files.keys()]
    .filter(
      (k) =>
        k === 'manifest.json' ||
        (k.endsWith('/manifest.json') && k.indexOf('/') === k.length - '/manifest.json'.length),
    )
    .sort((a, b) => a.length - b.length)[0];
  const prefix = manifest === undefined ? '' : manifest.slice(0, -'manifest.json'.length);
  const strip = <V>(map: Map<string, V>): Map<string, V> => {
    const out = new Map<string, V>();
    for (const [name, value] of map)
      if (name.startsWith(prefix) && name.length > prefix.length) out.set(name.slice(prefix.length), value);
    return out;
  };
  return fromCollected(path, { files: strip(raw.files), links: strip(raw.links), skipped: strip(raw.skipped) });
}

async function expectGzip(path: string, handle: FileHandle): Promise<void> {
  const head = Buffer.alloc(2);
  const { bytesRead } = await handle.read(head, 0, 2, 0);
  if (bytesRead < 2 || head[0] !== 0x1f || head[1] !== 0x8b)
    throw new CaptureError(`${path}: not a gzip archive (a capture is a folder or the .tar.gz that collect.sh writes)`);
}

function safeRelative(path: string): string | undefined {
  const normal = posix
    .normalize(path.replace(/\\/g, '/'))
    .replace(/^(\.\/)+/, '')
    .replace(/\/$/, '');
  if (normal === '' || normal === '.' || normal.startsWith('../') || normal === '..' || normal.startsWith('/'))
    return undefined;
  return normal;
}

/** Links are followed only to files inside the capture, as many hops as a real system allows at most. */
function fromCollected(origin: string, collected: Collected): CaptureFiles {
  const { files, skipped } = collected;
  const resolved = new Map<string, string>();
  for (const [link, target] of collected.links) {
    let at = link;
    let next: string | undefined = target;
    let hops = 0;
    while (next !== undefined && hops++ < MAX_LINK_HOPS) {
      // An absolute target names a path on the Mac, which the capture keeps under fs/.
      const joined = next.startsWith('/')
        ? at.startsWith('fs/')
          ? `fs${next}`
          : `.${next}`
        : posix.join(posix.dirname(at), next);
      const inside = safeRelative(joined);
      if (inside === undefined) break;
      at = inside;
      next = collected.links.get(at);
    }
    if (next === undefined && files.has(at)) resolved.set(link, at);
    else
      skipped.set(
        link,
        `a symbolic link to ${JSON.stringify(target)}, which ${next === undefined ? 'is not a file in the capture' : 'leads through too many links or out of the capture'}: not read`,
      );
  }
  const entry = (path: string) => files.get(resolved.get(path) ?? path);
  return {
    origin,
    list: () => [...files.keys(), ...resolved.keys()].sort(),
    read: (path) => entry(path)?.bytes,
    mtime: (path) => entry(path)?.mtime,
    skipped: () => skipped,
    links: () => resolved,
  };
}
