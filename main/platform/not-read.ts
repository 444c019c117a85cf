// A file a launch item names that is there but was not read. Whatever its config says may be the evidence, so the
// item says which file was kept from the reader and why, instead of looking as if it named nothing.
import { readFileSync, statSync } from 'node:fs';
import type { LaunchItem } from '../engine/model';
import { referencedFilesDigest, scriptNamedFilesDigest } from '../engine/referenced-files';

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
 * The files items name, each read once (`read` answers for an absolute path). Each item naming one that is there
 * but was not read gets a problem saying which and why, and each item gets the digests of those it names
 * (referencedSha256, scriptNamedSha256), so an approval notices an edited config.
 */
export function gatherNamedFiles(
  items: LaunchItem[],
  namedBy: (item: LaunchItem, files?: ReadonlyMap<string, string>) => string[],
  read: (path: string) => string | NotRead | undefined,
): Map<string, string> {
  const files = new Map<string, string>();
  const notRead = new Map<string, string>();
  const readFor = (item: LaunchItem, path: string): void => {
    if (!files.has(path) && !notRead.has(path)) {
      const got = read(path);
      if (typeof got === 'string') files.set(path, got);
      else if (got !== undefined) notRead.set(path, got.notRead);
    }
    const why = notRead.get(path);
    if (why !== undefined) item.problems.push(`not read: ${path}: ${why}`);
  };
  // What the command lines name first, then what the scripts among those files name in turn (filesNamedByJob).
  const namedByItem = new Map<LaunchItem, string[]>();
  for (const item of items) {
    const named = namedBy(item);
    namedByItem.set(item, named);
    for (const path of named) readFor(item, path);
  }
  const namedByScripts = new Map<LaunchItem, string[]>();
  for (const [item, named] of namedByItem) {
    const first = new Set(named);
    const more = namedBy(item, files).filter((path) => !first.has(path));
    namedByScripts.set(item, more);
    for (const path of more) readFor(item, path);
  }
  // Two digests: what the command line names (referencedSha256, as approvals made before scripts were read for names
  // keep it) and what its scripts name beyond that (scriptNamedSha256).
  for (const [item, named] of namedByItem) {
    const digest = referencedFilesDigest(named, files);
    if (digest) item.referencedSha256 = digest;
    item.scriptNamedSha256 = scriptNamedFilesDigest(namedByScripts.get(item) ?? [], files);
  }
  return files;
}
