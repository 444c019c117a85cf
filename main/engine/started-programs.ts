// The programs a launch item starts by name: its own, those `sh -c "<string>"` and `env` run, and the
// commands of a shell script it runs. A miner that detaches itself (forks, calls setsid and lets its
// parent exit with 0, as daemon(3) and XMRig's --background do, xmrig/xmrig src/App_unix.cpp;
// launchd.plist(5) forbids a job to do so) leaves the job's process tree for launchd's: the program it
// runs is then what still ties it to its item.
import { commandAsRun, foldersFollowed } from './job-home';
import { commandRunBy } from './launch-item';
import type { LaunchItem } from './model';
import {
  commandLines,
  decodedScriptLines,
  scriptArgv,
  scriptInterpreter,
  shellScriptsRunBy,
  workingDirectories,
} from './referenced-files';
import { commandStart, isRelativePath, programsRunBy } from './command-start';
import { followScripts } from './script-chain';
import { expandHome, isInterpreter, splitShellCommands } from './shell-words';

/** More programs than any launch item's commands start: past this, the rest are not looked for. */
export const MAX_STARTED_PROGRAMS = 1_000;

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
  const inFiles = (paths: string[]): string[] => paths.filter((path) => files.has(path));
  const readScript = (script: string, text: string, folders: string[]): string[] => {
    // Read as a shell's: another interpreter's code (a `#!/usr/bin/env python3` script run by its path) is not.
    if (scriptInterpreter(script, text) !== undefined) return [];
    const commands = splitShellCommands(text);
    // What its lines decode and run (`echo <base64> | base64 -d | sh`) starts programs too.
    const decoded = decodedScriptLines(text).lines;
    for (const words of [...commands, ...decoded]) if (found.size < MAX_STARTED_PROGRAMS) add(words);
    return [
      ...shellScriptsRunBy(['/bin/sh', '-c', text], home, folders),
      ...decoded.flatMap((line) => shellScriptsRunBy(line, home, folders)),
      // A script it runs by its path (`./start.sh`), which a reader found to be one.
      ...inFiles(programsRunBy(scriptArgv(script, text), home, folders)),
    ];
  };
  followScripts(
    [
      ...shellScriptsRunBy(command, home, workingDirectory),
      // Its own program is a script only by its `#!` line (commandAsRun): launchd runs it, not a shell.
      ...inFiles(programsRunBy(command, home, workingDirectory).filter((path) => path !== direct[0])),
    ],
    files,
    foldersFollowed(first, home, files, readScript),
  );
  return [...found];
}
