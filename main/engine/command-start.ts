// Where a command line's own command begins, past the words that run it in the same way, and what a script runs
// directly by its path (`./start.sh`, `/x/kworker`): a program the shell executes, which may itself be a script.
import { posix } from 'node:path';
import { commandLines, workingDirectories, type StartingFolders } from './referenced-files';
import { basename, expandHome, isAssignment } from './shell-words';

/** Words before a command that run it in the same way: `exec x`, `nohup x &`, `nice -n 19 x`. */
const RUNS_NEXT_WORD = new Set(['exec', 'nohup', 'command', 'nice', 'setsid']);

/**
 * `./kworker`, `bin/kworker`: a program run by a path from the folder the shell is in (`cd ~/.v && ./kworker`). The
 * shell passes the word as it is for argv[0] (execve(2) is given the path the shell resolved, argv[0] the word), so
 * ps shows `./kworker` once it detaches: the word is what ties it to its item. A bare name (`kworker`) is looked up in
 * PATH and could be anything's; `~`, `$` and spaces are words a shell would have expanded or split.
 */
export function isRelativePath(word: string): boolean {
  if (word === '' || word.startsWith('/') || word.startsWith('~') || word.startsWith('$') || word.startsWith('-'))
    return false;
  if (!word.includes('/') || word.endsWith('/')) return false;
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) <= 32) return false;
  return true;
}

/** Options of the wrappers above that take a value: nice's niceness, and the argv[0] `exec -a` gives. */
const TAKES_VALUE = new Set(['-n', '-a']);

/**
 * Where the command itself begins (past NAME=value words, the wrappers above and their options), and the
 * name `exec -a NAME` makes it show as argv[0] (bash, zsh, ksh): what ps will print for it.
 */
export function commandStart(line: string[]): { start: number; shownAs?: string } {
  let i = 0;
  let shownAs: string | undefined;
  while (i < line.length) {
    const word = line[i] as string;
    if (isAssignment(word)) i++;
    else if (RUNS_NEXT_WORD.has(basename(word))) {
      i++;
      while (i < line.length && (line[i] as string).startsWith('-')) {
        if (line[i] === '-a' && basename(word) === 'exec') shownAs = line[i + 1];
        i += TAKES_VALUE.has(line[i] as string) ? 2 : 1;
      }
    } else break;
  }
  return shownAs === undefined ? { start: i } : { start: i, shownAs };
}

/** Past this many, the programs a command runs by path are not looked for. */
const MAX_PROGRAMS_RUN = 256;

/**
 * The files a command's lines execute by their path, absolute (`~` expanded with `home`) or relative (in each folder the
 * command may be in, workingDirectories): any of them may be a script (`cd ~/.k && ./start.sh`) whose own commands
 * are the item's, which a reader tells by its first bytes (not-read.ts isScriptStart). At most MAX_PROGRAMS_RUN.
 */
export function programsRunBy(argv: string[], home: string | undefined, folders?: StartingFolders): string[] {
  const found = new Set<string>();
  let dirs: string[] | undefined;
  for (const line of commandLines(argv)) {
    if (found.size >= MAX_PROGRAMS_RUN) break;
    const word = expandHome(line[commandStart(line).start] ?? '', home);
    if (word.startsWith('/')) found.add(word);
    else if (isRelativePath(word)) {
      dirs ??= workingDirectories(argv, home, folders);
      for (const dir of dirs) found.add(posix.join(dir, word));
    }
  }
  return [...found].slice(0, MAX_PROGRAMS_RUN);
}
