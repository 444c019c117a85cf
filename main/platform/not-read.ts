// A file a launch item names that is there but was not read. Whatever its config says may be the evidence, so the
// item says which file was kept from the reader and why, instead of looking as if it named nothing.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { scriptProgramOf } from '../engine/job-home';
import type { LaunchItem } from '../engine/model';
import { referencedFilesDigest, scriptNamedFilesDigest } from '../engine/referenced-files';
import { MAX_SCRIPT_DEPTH } from '../engine/script-chain';

/** Why a file that is there was not read: too large, or refused to whoever reads the machine. */
export interface NotRead {
  notRead: string;
}

/** The largest file an item names that is read (configs and scripts are a few KiB). */
export const MAX_REFERENCED_FILE = 1024 * 1024;

export const TOO_LARGE: NotRead = { notRead: `larger than ${MAX_REFERENCED_FILE / 1024 / 1024} MiB` };

/**
 * Why the system would not let a file be read, when it is there (open(2): EACCES, a permission or a folder on the
 * way closed to this user; EPERM, on macOS a place privacy settings guard, "Operation not permitted"). A file that
 * does not exist is no refusal.
 */
export function refusalOf(error: unknown): NotRead | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES') return { notRead: 'permission denied to this user (a scan run as root reads it)' };
  if (code === 'EPERM')
    return {
      notRead: 'the system refused it (Operation not permitted; on macOS, Full Disk Access lets Launchwatch read it)',
    };
  return undefined;
}

/** A small file an item names (a config, a script): its text, why it was not read, or undefined when it is gone. */
export function readSmallFile(path: string): string | NotRead | undefined {
  try {
    const info = statSync(path);
    // Not a regular file (a folder, a FIFO that would block): not a config, nothing to say.
    if (!info.isFile()) return undefined;
    if (info.size > MAX_REFERENCED_FILE) return TOO_LARGE;
    return readFileSync(path, 'utf8');
  } catch (error) {
    return refusalOf(error);
  }
}

/**
 * A program's text when it is a script (it starts with `#!`), read only then: a program is most often a binary,
 * of any size, and only its first two bytes are read to tell. Undefined for anything else, or what cannot be read
 * (the program's own digest and signature say that).
 */
export function readScriptProgram(path: string): string | undefined {
  let fd: number | undefined;
  try {
    const info = statSync(path);
    if (!info.isFile() || info.size < 2 || info.size > MAX_REFERENCED_FILE) return undefined;
    fd = openSync(path, 'r');
    const start = Buffer.alloc(2);
    if (readSync(fd, start, 0, 2, 0) !== 2 || start.toString('latin1') !== '#!') return undefined;
    const text = readFileSync(fd, 'utf8');
    return text.startsWith('#!') ? text : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A program's text from a reader of small files, when it is a script (a capture holds only small files). */
function scriptFrom(read: (path: string) => string | NotRead | undefined): (path: string) => string | undefined {
  return (path) => {
    const text = read(path);
    return typeof text === 'string' && text.startsWith('#!') ? text : undefined;
  };
}

/**
 * The files items name, each read once (`read` answers for an absolute path). Each item naming one that is there
 * but was not read gets a problem saying which and why, and each item gets the digests of those it names
 * (referencedSha256, scriptNamedSha256), so an approval notices an edited config. A program that is a script
 * (`readScript`, by default `read` of a text starting with `#!`) is read first, so that what it names is followed as
 * what a script handed to a shell names; its own bytes are the program's digest, not these.
 */
export function gatherNamedFiles(
  items: LaunchItem[],
  namedBy: (item: LaunchItem, files?: ReadonlyMap<string, string>, depth?: 'chain' | 'one level') => string[],
  read: (path: string) => string | NotRead | undefined,
  readScript: (path: string) => string | undefined = scriptFrom(read),
): Map<string, string> {
  const files = new Map<string, string>();
  const notRead = new Map<string, string>();
  const tried = new Set<string>();
  const readFor = (item: LaunchItem, path: string): void => {
    if (!tried.has(path)) {
      tried.add(path);
      const got = read(path);
      if (typeof got === 'string') files.set(path, got);
      else if (got !== undefined) notRead.set(path, got.notRead);
    }
    const why = notRead.get(path);
    if (why !== undefined) item.problems.push(`not read: ${path}: ${why}`);
  };
  const programsTried = new Set<string>();
  const scriptPrograms = new Set<string>();
  for (const item of items) {
    const program = scriptProgramOf(item);
    if (program === undefined || programsTried.has(program)) continue;
    programsTried.add(program);
    const text = readScript(program);
    if (text === undefined) continue;
    files.set(program, text);
    tried.add(program);
    scriptPrograms.add(program);
  }
  // What the command lines name first, then what the scripts among those files name, and what those name in turn
  // (filesNamedByJob): each round reads one level more, to the depth script-chain.ts follows.
  const namedByItem = new Map<LaunchItem, string[]>();
  for (const item of items) {
    const named = namedBy(item);
    namedByItem.set(item, named);
    for (const path of named) readFor(item, path);
  }
  const namedByScripts = new Map<LaunchItem, { chain: string[]; oneLevel: string[] }>();
  for (const [item, named] of namedByItem) {
    const first = new Set(named);
    const program = scriptProgramOf(item);
    if (program !== undefined && scriptPrograms.has(program)) first.add(program);
    const handled = new Set(first);
    let more: string[] = [];
    for (let round = 0; round <= MAX_SCRIPT_DEPTH; round++) {
      more = namedBy(item, files).filter((path) => !first.has(path));
      const fresh = more.filter((path) => !handled.has(path));
      if (fresh.length === 0) break;
      for (const path of fresh) {
        handled.add(path);
        readFor(item, path);
      }
    }
    // Read already: the one level is a part of the chain.
    const oneLevel = namedBy(item, files, 'one level').filter((path) => !first.has(path));
    namedByScripts.set(item, { chain: more, oneLevel });
  }
  // Three digests: what the command line names (referencedSha256, as approvals made before scripts were read for names
  // keep it), what its scripts name beyond that, one level (scriptNamedSha256, as approvals made before scripts run by
  // scripts were followed keep it), and all its scripts and theirs name (scriptChainSha256).
  for (const [item, named] of namedByItem) {
    const digest = referencedFilesDigest(named, files);
    if (digest) item.referencedSha256 = digest;
    const beyond = namedByScripts.get(item);
    item.scriptNamedSha256 = scriptNamedFilesDigest(beyond?.oneLevel ?? [], files);
    // Most often the same files: hashed once then.
    const chain = beyond?.chain ?? [];
    const oneLevel = new Set(beyond?.oneLevel ?? []);
    item.scriptChainSha256 =
      chain.length === oneLevel.size && chain.every((path) => oneLevel.has(path))
        ? item.scriptNamedSha256
        : scriptNamedFilesDigest(chain, files);
  }
  return files;
}
