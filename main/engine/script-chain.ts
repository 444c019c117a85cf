// Scripts that run scripts: a launcher (run.sh) that runs a second (start.sh) that starts the miner with its config.
// Read level by level, each script once, to a bound: the attacker writes them, and a script that runs itself, or
// one that runs a hundred others that each run a hundred more, must not make the reading endless. What is left
// unread past the bound is said (the item is then looked at harder), never dropped without a word.

/** Levels of scripts read for the files they name: those the job's command names are the first. */
export const MAX_SCRIPT_DEPTH = 4;
/** Scripts read for the files they name, for one item in all. */
export const MAX_SCRIPTS_FOLLOWED = 64;
/**
 * Text of the scripts past the first level read for one item: launcher scripts are a few KiB, and reading what a
 * script names costs about a second a MiB of dense commands, again at every read of the inventory.
 */
export const MAX_NESTED_SCRIPT_BYTES = 256 * 1024;

/** Files past the depth read to tell whether they name anything (a config names nothing), and their largest size. */
const MAX_CHECKS = 8;
const MAX_CHECKED_BYTES = 64 * 1024;

export interface ScriptChain {
  /** Every path reached: those given first, then what each level names, in that order, each once. */
  reached: string[];
  /** What a bound left unread, when one did. */
  unread?: string;
  /**
   * The files the command and the scripts read execute by their path (command-start.ts programsRunBy): a reader tells
   * by their first bytes which are scripts, and adds those to the texts it gives, to be followed as the others.
   */
  programs?: string[];
}

/**
 * From the files a command names (`first`), those their texts name (`next`, for a file in `files`), and so on, at
 * most MAX_SCRIPT_DEPTH levels of texts and MAX_SCRIPTS_FOLLOWED texts. A file past a bound that would name more is
 * what `unread` says; a config past it that names nothing is no loss.
 */
export function followScripts(
  first: Iterable<string>,
  files: ReadonlyMap<string, string>,
  next: (path: string, text: string) => Iterable<string>,
): ScriptChain {
  const reached = new Set(first);
  const read = new Set<string>();
  let nestedBytes = 0;
  let unread: string | undefined;
  let checks = 0;
  const namesNothingNew = (path: string, text: string): boolean =>
    text.length <= MAX_CHECKED_BYTES &&
    checks++ < MAX_CHECKS &&
    ![...next(path, text)].some((inner) => !reached.has(inner));
  let level = [...reached];
  for (let depth = 1; level.length > 0; depth++) {
    const found: string[] = [];
    for (const path of level) {
      const text = files.get(path);
      if (text === undefined || read.has(path)) continue;
      const past =
        depth > MAX_SCRIPT_DEPTH
          ? `${depth} scripts deep, past ${MAX_SCRIPT_DEPTH}`
          : read.size >= MAX_SCRIPTS_FOLLOWED
            ? `past the ${MAX_SCRIPTS_FOLLOWED} scripts read for one item`
            : depth > 1 && nestedBytes + text.length > MAX_NESTED_SCRIPT_BYTES
              ? `past the ${MAX_NESTED_SCRIPT_BYTES / 1024} KiB of scripts run by scripts read for one item`
              : undefined;
      if (past !== undefined) {
        // Worded as what was not read: the analyser says "<unread>, not read". A config one level too deep names
        // nothing and is no loss; to tell, a few small files past the depth are read, anything else is said unread.
        if (unread === undefined && (depth <= MAX_SCRIPT_DEPTH || !namesNothingNew(path, text)))
          unread = `${path}: the files it names (${past})`;
        continue;
      }
      read.add(path);
      if (depth > 1) nestedBytes += text.length;
      for (const inner of next(path, text))
        if (!reached.has(inner)) {
          reached.add(inner);
          found.push(inner);
        }
    }
    level = found;
  }
  return unread === undefined ? { reached: [...reached] } : { reached: [...reached], unread };
}
