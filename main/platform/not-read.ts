// A file a launch item names that is there but was not read. Whatever its config says may be the evidence, so the
// item says which file was kept from the reader and why, instead of looking as if it named nothing.
import { closeSync, readSync } from 'node:fs';
import { scriptProgramOf } from '../engine/job-home';
import type { LaunchItem } from '../engine/model';
import { referencedFilesDigest, scriptNamedFilesDigest } from '../engine/referenced-files';
import { MAX_SCRIPT_DEPTH } from '../engine/script-chain';
import { openRegularFileSync, readRegularFileSync, readUpToSync } from './regular-file';

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

/**
 * A small file an item names (a config, a script): its text, why it was not read, or undefined when it is gone. Read
 * through one open file (regular-file.ts): whoever wrote the item can swap the name at any moment.
 */
export function readSmallFile(path: string): string | NotRead | undefined {
  try {
    const got = readRegularFileSync(path, MAX_REFERENCED_FILE);
    // Not a regular file (a folder, a FIFO that would block): not a config, nothing to say.
    if (got.bytes === undefined) return got.refused === 'too large' ? TOO_LARGE : undefined;
    return got.bytes.toString('utf8');
  } catch (error) {
    return refusalOf(error);
  }
}

/**
 * Who executes a program, which decides what is a script: launchd (posix_spawn, execve(2)) runs a text only through the
 * interpreter its `#!` line names; a shell that gets ENOEXEC for a file it runs by path reads the file itself as a shell
 * script, unless it looks binary (bash's check_binary_file: a NUL in its first line, of the first 80 bytes read; dash
 * reads it as a script whatever it holds; a Mach-O or ELF file is run by the kernel before either).
 */
export type RunBy = 'launchd' | 'shell';

/** How much of a program is read to tell whether it is a script. */
const SCRIPT_SAMPLE = 80;

/** Whether a file that starts with `start` is a script to whoever runs it (RunBy). */
export function isScriptStart(start: string, runBy: RunBy): boolean {
  if (start.startsWith('#!')) return true;
  if (runBy === 'launchd' || start.length === 0) return false;
  const sample = start.slice(0, SCRIPT_SAMPLE);
  const newline = sample.indexOf('\n');
  return !(newline < 0 ? sample : sample.slice(0, newline)).includes('\u0000');
}

/**
 * A program's text when it is a script to whoever runs it (isScriptStart), read only then: a program is most often a
 * binary, of any size, and only its first bytes are read to tell. Undefined for anything else, or what cannot be read
 * (the program's own digest and signature say that).
 */
export function readScriptProgram(path: string, runBy: RunBy = 'launchd'): string | undefined {
  let fd: number | undefined;
  try {
    const opened = openRegularFileSync(path);
    fd = opened.fd;
    if (fd === undefined || opened.info.size < 2 || opened.info.size > MAX_REFERENCED_FILE) return undefined;
    const start = Buffer.alloc(SCRIPT_SAMPLE);
    const got = readSync(fd, start, 0, SCRIPT_SAMPLE, 0);
    if (!isScriptStart(start.subarray(0, got).toString('latin1'), runBy)) return undefined;
    const text = readUpToSync(fd, MAX_REFERENCED_FILE)?.toString('utf8');
    return text !== undefined && isScriptStart(text, runBy) ? text : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A program's text from a reader of small files, when it is a script (a capture holds only small files). */
function scriptFrom(
  read: (path: string) => string | NotRead | undefined,
): (path: string, runBy: RunBy) => string | undefined {
  return (path, runBy) => {
    const text = read(path);
    return typeof text === 'string' && isScriptStart(text, runBy) ? text : undefined;
  };
}

/**
 * The files items name, each read once (`read` answers for an absolute path). Each item naming one that is there
 * but was not read gets a problem saying which and why, and each item gets the digests of those it names
 * (referencedSha256, scriptNamedSha256), so an approval notices an edited config. A program that is a script
 * (`readScript`, by default `read` of a text starting with `#!`) is read first, so that what it names is followed as
 * what a script handed to a shell names; its own bytes are the program's digest, not these. So are the programs its
 * commands and scripts run by path (`programsBy`) that are scripts to the shell that runs them (RunBy).
 */
export function gatherNamedFiles(
  items: LaunchItem[],
  namedBy: (item: LaunchItem, files?: ReadonlyMap<string, string>, depth?: 'chain' | 'one level') => string[],
  read: (path: string) => string | NotRead | undefined,
  readScript: (path: string, runBy: RunBy) => string | undefined = scriptFrom(read),
  programsBy?: (item: LaunchItem, files: ReadonlyMap<string, string>) => string[],
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
  /** Reads each program once, keeping its text when it is a script; says whether one was new. */
  const readPrograms = (programs: Iterable<string>, runBy: RunBy): boolean => {
    let found = false;
    for (const program of programs) {
      if (programsTried.has(`${runBy} ${program}`) || files.has(program)) continue;
      programsTried.add(`${runBy} ${program}`);
      const text = readScript(program, runBy);
      if (text === undefined) continue;
      files.set(program, text);
      tried.add(program);
      found = true;
    }
    return found;
  };
  for (const item of items) {
    const program = scriptProgramOf(item);
    if (program !== undefined) readPrograms([program], 'launchd');
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
    // The program's own bytes are its digest, not these.
    const program = scriptProgramOf(item);
    if (program !== undefined && files.has(program)) first.add(program);
    const handled = new Set(first);
    let more: string[] = [];
    for (let round = 0; round <= MAX_SCRIPT_DEPTH; round++) {
      // The programs its commands and scripts run by path that are scripts (`./start.sh`), then what all name.
      const scripts = programsBy !== undefined && readPrograms(programsBy(item, files), 'shell');
      more = namedBy(item, files).filter((path) => !first.has(path));
      const fresh = more.filter((path) => !handled.has(path));
      if (fresh.length === 0 && !scripts) break;
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
