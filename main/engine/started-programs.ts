// The programs a launch item starts by name: its own, those `sh -c "<string>"` and `env` run, and the
// commands of a shell script it runs. A miner that detaches itself (forks, calls setsid and lets its
// parent exit with 0, as daemon(3) and XMRig's --background do, xmrig/xmrig src/App_unix.cpp;
// launchd.plist(5) forbids a job to do so) leaves the job's process tree for launchd's: the program it
// runs is then what still ties it to its item.
import { commandAsRun, foldersFollowed } from './job-home';
import { commandRunBy } from './launch-item';
import type { LaunchItem } from './model';
import { commandLines, decodedScriptLines, shellScriptsRunBy, workingDirectories } from './referenced-files';
import { followScripts } from './script-chain';
import { basename, expandHome, isAssignment, isInterpreter, splitShellCommands } from './shell-words';

/** More programs than any launch item's commands start: past this, the rest are not looked for. */
export const MAX_STARTED_PROGRAMS = 1_000;

/** Words before a command that run it in the same way: `exec x`, `nohup x &`, `nice -n 19 x`. */
const RUNS_NEXT_WORD = new Set(['exec', 'nohup', 'command', 'nice', 'setsid']);

/**
 * `home` is the job's own (homeOfJob): `~` in its commands is the HOME launchd gives it; `workingDirectory` is where
 * it starts (workingDirectoryOf), where a script it names by a relative path is.
 */
export function programsStartedBy(
  item: LaunchItem,
  files: Map<string, string>,
  home: string | undefined,
  workingDirectory?: string,
): string[] {
  const found = new Set<string>();
  const add = (argv: string[]): void => {
    for (const line of commandLines(argv)) {
      if (found.size >= MAX_STARTED_PROGRAMS) return;
      const { start, shownAs } = commandStart(line);
      for (const word of [line[start], shownAs]) {
        const program = expandHome(word ?? '', home);
        if ((program.startsWith('/') || isRelativePath(program)) && !isInterpreter(program)) found.add(program);
      }
    }
  };
  const direct = commandRunBy(item);
  add(direct);
  // A script it runs itself is run by the interpreter its `#!` line names (commandAsRun).
  const command = commandAsRun(item, files);
  if (command.length !== direct.length) add(command);
  // The name it shows (argv[0] when Program is set apart from it) is what ps prints for it once it detaches.
  const shown = expandHome(item.arguments[0] ?? '', home);
  if (direct !== item.arguments && (shown.startsWith('/') || isRelativePath(shown)) && !isInterpreter(shown))
    found.add(shown);
  // The shell scripts it runs, and those they run in turn (script-chain.ts), each read once for its commands, in the
  // folders the script that ran it may have been in.
  const first = workingDirectories(command, home, workingDirectory);
  const readScript = (_script: string, text: string, folders: string[]): string[] => {
    const commands = splitShellCommands(text);
    // What its lines decode and run (`echo <base64> | base64 -d | sh`) starts programs too.
    const decoded = decodedScriptLines(text).lines;
    for (const words of [...commands, ...decoded]) if (found.size < MAX_STARTED_PROGRAMS) add(words);
    return [
      ...shellScriptsRunBy(['/bin/sh', '-c', text], home, folders),
      ...decoded.flatMap((line) => shellScriptsRunBy(line, home, folders)),
    ];
  };
  followScripts(
    shellScriptsRunBy(command, home, workingDirectory),
    files,
    foldersFollowed(first, home, files, readScript),
  );
  return [...found];
}

/**
 * `./kworker`, `bin/kworker`: a program run by a path from the folder the shell is in (`cd ~/.v && ./kworker`). The
 * shell passes the word as it is for argv[0] (execve(2) is given the path the shell resolved, argv[0] the word), so
 * ps shows `./kworker` once it detaches: the word is what ties it to its item. A bare name (`kworker`) is looked up in
 * PATH and could be anything's; `~`, `$` and spaces are words a shell would have expanded or split.
 */
function isRelativePath(word: string): boolean {
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
function commandStart(line: string[]): { start: number; shownAs?: string } {
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
