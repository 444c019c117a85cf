// A capture's files, from a folder or a .tar.gz of one folder. A capture comes from the machine under
// suspicion: links are never followed, paths never leave the capture, and sizes are bounded.
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';

export interface CaptureFiles {
  /** Where the capture came from, for messages. */
  readonly origin: string;
  /** Relative paths (posix) of every regular file. */
  list(): string[];
  read(path: string): Buffer | undefined;
  mtime(path: string): Date | undefined;
}

export class CaptureError extends Error {}

const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;
const MAX_ENTRIES = 200_000;
const MAX_DEPTH = 64;

export async function openCaptureFiles(path: string): Promise<CaptureFiles> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new CaptureError(`${path}: no such capture folder or archive`);
  }
  if (info.isDirectory()) return readFolder(path);
  if (/\.(tar\.gz|tgz)$/i.test(path)) return readArchive(path);
  throw new CaptureError(`${path}: a capture is a folder or a .tar.gz of one folder`);
}

async function readFolder(root: string): Promise<CaptureFiles> {
  const files = new Map<string, { bytes: Buffer; mtime: Date }>();
  let total = 0;
  let count = 0;
  const walk = async (relative: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) throw new CaptureError(`${root}: folders nested deeper than ${MAX_DEPTH} levels`);
    const entries = await readdir(join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      if (++count > MAX_ENTRIES) throw new CaptureError(`${root}: more than ${MAX_ENTRIES} files`);
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(rel, depth + 1);
      else if (entry.isFile()) {
        const full = join(root, rel);
        const meta = await lstat(full);
        if (meta.size > MAX_FILE_BYTES) continue;
        total += meta.size;
        if (total > MAX_TOTAL_BYTES) throw new CaptureError(`${root}: capture is larger than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB`);
        files.set(rel, { bytes: await readFile(full), mtime: meta.mtime });
      }
      // Symbolic links and special files are skipped: a capture's links could point anywhere on this machine.
    }
  };
  await walk('', 0);
  return fromMap(root, files);
}

async function readArchive(path: string): Promise<CaptureFiles> {
  const raw = new Map<string, { bytes: Buffer; mtime: Date }>();
  let total = 0;
  let entries = 0;
  const input = createReadStream(path);
  // Stops reading as soon as a limit is passed: a gzip bomb never gets to expand in full.
  const tooLarge = (why: string): void => {
    input.destroy(new CaptureError(`${path}: ${why}`));
  };
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      if (++entries > MAX_ENTRIES) tooLarge(`more than ${MAX_ENTRIES} entries`);
      const name = safeRelative(entry.path);
      if (entry.type !== 'File' || name === undefined || (entry.size ?? 0) > MAX_FILE_BYTES) {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > MAX_TOTAL_BYTES) tooLarge(`capture is larger than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB`);
        else chunks.push(chunk);
      });
      entry.on('end', () => raw.set(name, { bytes: Buffer.concat(chunks), mtime: entry.mtime ?? new Date(0) }));
    },
  });
  try {
    await pipeline(input, parser);
  } catch (error) {
    if (error instanceof CaptureError) throw error;
    throw new CaptureError(`${path}: cannot read the archive: ${(error as Error).message}`);
  }
  // The archive holds one folder: strip it, wherever manifest.json sits.
  const manifest = [...raw.keys()].filter((k) => k === 'manifest.json' || /^[^/]+\/manifest\.json$/.test(k)).sort((a, b) => a.length - b.length)[0];
  const prefix = manifest === undefined ? '' : manifest.slice(0, -'manifest.json'.length);
  const files = new Map<string, { bytes: Buffer; mtime: Date }>();
  for (const [name, value] of raw) if (name.startsWith(prefix) && name.length > prefix.length) files.set(name.slice(prefix.length), value);
  return fromMap(path, files);
}

function safeRelative(path: string): string | undefined {
  const normal = posix.normalize(path.replace(/\\/g, '/')).replace(/^(\.\/)+/, '').replace(/\/$/, '');
  if (normal === '' || normal === '.' || normal.startsWith('../') || normal === '..' || normal.startsWith('/')) return undefined;
  return normal;
}

function fromMap(origin: string, files: Map<string, { bytes: Buffer; mtime: Date }>): CaptureFiles {
  return {
    origin,
    list: () => [...files.keys()].sort(),
    read: (path) => files.get(path)?.bytes,
    mtime: (path) => files.get(path)?.mtime,
  };
}
