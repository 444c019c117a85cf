// A folder's names, read as a stream with a bound on what is held: whoever owns a launch folder can fill it with
// millions of files, and readdir(3) all at once would hold every name (and sort them) at every minute's inventory.
// Names past the bound are counted, not held; past a second bound the folder is read no further.
import { opendir } from 'node:fs/promises';

export interface FolderNames {
  /**
   * The names kept: the first `maxKept` in sorted order (as a sorted readdir would give them, whatever order the
   * folder gives them in), at most twice that many held while it is read.
   */
  names: string[];
  /** Names wanted but not kept, as far as the folder was read. */
  more: number;
  /** The folder had more than `maxRead` entries: it was read no further, and `more` counts only what was read. */
  cut: boolean;
}

/** The most entries of one folder read (a name at a time; about a second here, and no more memory than one). */
export const MAX_FOLDER_ENTRIES = 1_000_000;

/**
 * The names of `path` that `wanted` keeps, at most `maxKept` of them held. Errors of opendir(3) (ENOENT, EACCES,
 * EPERM, ENOTDIR) are thrown as they come.
 */
export async function folderNames(
  path: string,
  maxKept: number,
  wanted: (name: string) => boolean = () => true,
  maxRead = MAX_FOLDER_ENTRIES,
): Promise<FolderNames> {
  const folder = await opendir(path, { bufferSize: 256 });
  const names: string[] = [];
  let more = 0;
  let read = 0;
  let cut = false;
  try {
    for (let entry = await folder.read(); entry !== null; entry = await folder.read()) {
      if (++read > maxRead) {
        cut = true;
        break;
      }
      if (!wanted(entry.name)) continue;
      names.push(entry.name);
      if (names.length >= 2 * maxKept) more += keepFirst(names, maxKept);
    }
  } finally {
    await folder.close();
  }
  more += keepFirst(names, maxKept);
  return { names, more, cut };
}

/** What a note says of a folder whose names were not all kept. */
export function folderNamesNote(path: string, listed: FolderNames, maxKept: number): string | undefined {
  if (listed.cut)
    return `${path}: more than ${MAX_FOLDER_ENTRIES.toLocaleString('en-US')} entries; read no further, the first ${maxKept.toLocaleString('en-US')} names by name of those read were kept`;
  if (listed.more > 0)
    return `${path}: ${(listed.names.length + listed.more).toLocaleString('en-US')} names; the first ${maxKept.toLocaleString('en-US')} by name were kept`;
  return undefined;
}

/** Sorts `names` and drops all but the first `count`; says how many went. */
function keepFirst(names: string[], count: number): number {
  names.sort();
  const dropped = Math.max(0, names.length - count);
  names.length = Math.min(names.length, count);
  return dropped;
}
