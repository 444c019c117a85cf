// What `~` and `$HOME` mean in a job's command line: the HOME its processes get, not the scanning user's.
// launchd sets HOME, without overwriting, from the password entry of the user a job runs as (UserName, or the
// user whose domain it is in), and only then the plist's EnvironmentVariables, which win (launchd core.c:
// job_postfork_become_user calls setenv("HOME", pw_dir, 0); job_setup_attributes then setenv(key, value, 1)
// for each EnvironmentVariables entry). A daemon with no UserName runs as root and gets no HOME from
// launchd (job_postfork_become_user returns before it), so a shell expands `~` to root's own home ("If HOME
// is unset, the home directory of the user executing the shell is substituted": bash(1), Tilde Expansion).
import { commandRunBy } from './launch-item';
import type { LaunchItem, UserInfo } from './model';
import { programsRunBy } from './command-start';
import { filesNamedBy, filesNamedByScript, scriptArgv, shebangWords, workingDirectories } from './referenced-files';
import { followScripts, type ScriptChain } from './script-chain';

/** root's home folder on macOS (its password entry). */
export const ROOT_HOME = '/var/root';

const USER_AGENTS = '/Library/LaunchAgents/';

/**
 * The home folder a launchd job's shell expands `~` with, or undefined when it cannot be known here (a
 * daemon run as another user, whose password entry this scan did not read). `user` is the scanning user.
 */
export function homeOfJob(item: LaunchItem, user: UserInfo | undefined): string | undefined {
  // A systemd unit's or autostart entry's HOME is worked out by the Linux reader, which reads the passwd file.
  if (item.kind === 'systemd-service') return item.home;
  if (item.kind !== 'LaunchAgent' && item.kind !== 'LaunchDaemon') return item.home ?? user?.home;
  const set = environmentHome(item.content);
  if (set !== undefined) return set;
  if (item.kind === 'LaunchAgent') {
    // A user's own agent is in <home>/Library/LaunchAgents and runs as that user; a global one (in
    // /Library/LaunchAgents, or an app's) runs in the session of whoever is logged in: the scanning user.
    const at = item.plistPath.lastIndexOf(USER_AGENTS);
    const inFolder = at > 0 && !item.plistPath.slice(at + USER_AGENTS.length).includes('/');
    return item.scope === 'user' && inFolder ? item.plistPath.slice(0, at) : user?.home;
  }
  if (item.userName === undefined || item.userName === 'root') return ROOT_HOME;
  return item.userName === user?.name ? user.home : undefined;
}

/**
 * The files a job's command line names (as its program reads it: commandRunBy, and commandAsRun when its program is a
 * script), `~` and relative names read as that job's own (homeOfJob, workingDirectoryOf). Given the files already
 * read, also those that the scripts among them name in their own commands (filesNamedByScript), and what those name in
 * turn, to the bounds of script-chain.ts: a reader reads what it is given, then asks again. `one level` is how
 * Launchwatch read them before it followed scripts run by scripts: the command's own names and what the scripts among
 * them name, for the digest approvals made then hold (LaunchItem.scriptNamedSha256).
 */
export function filesNamedByJob(
  item: LaunchItem,
  user: UserInfo | undefined,
  files?: ReadonlyMap<string, string>,
  depth: 'chain' | 'one level' = 'chain',
): string[] {
  return followFilesNamedByJob(item, user, files, depth).reached;
}

/** filesNamedByJob, with what the bounds of script-chain.ts left unread. */
export function followFilesNamedByJob(
  item: LaunchItem,
  user: UserInfo | undefined,
  files?: ReadonlyMap<string, string>,
  depth: 'chain' | 'one level' = 'chain',
): ScriptChain {
  const home = homeOfJob(item, user);
  const workingDirectory = workingDirectoryOf(item);
  const direct = commandRunBy(item);
  const command = depth === 'chain' ? commandAsRun(item, files) : direct;
  // The command as written too: `run.sh -c pool.json` names its config to the script, which a shell's `-c` hides.
  // commandAsRun only ever puts words before it: the same length is the same command, read once.
  const asWritten = filesNamedBy(direct, home, workingDirectory);
  const named =
    command.length === direct.length
      ? asWritten
      : [...new Set([...asWritten, ...filesNamedBy(command, home, workingDirectory)])];
  let chain: ScriptChain = { reached: named };
  if (depth === 'chain') {
    // What runs by its path (`cd ~/.k && ./start.sh`) is followed when a reader found it to be a script.
    const texts = files ?? new Map<string, string>();
    // Its own program is launchd's to run: a script only by its `#!` line (commandAsRun), not as a shell would.
    const programs = new Set(programsRunBy(command, home, workingDirectory).filter((path) => path !== direct[0]));
    const scripts = (paths: Iterable<string>): string[] => [...paths].filter((path) => texts.has(path));
    chain = followScripts(
      new Set([...named, ...scripts(programs)]),
      texts,
      foldersFollowed(workingDirectories(command, home, workingDirectory), home, texts, (path, text, folders) => {
        const key = `${home} ${folders.join('\u0000')}`;
        const run = onceForText(texts, path, text, `programs ${key}`, () =>
          programsRunBy(scriptArgv(path, text), home, folders),
        );
        for (const program of run) programs.add(program);
        const inner = onceForText(texts, path, text, `named ${key}`, () =>
          filesNamedByScript(path, text, home, folders),
        );
        return [...inner, ...scripts(run)];
      }),
    );
    chain.programs = [...programs];
  } else if (files !== undefined) {
    const reached = new Set(named);
    for (const path of named) {
      const text = files.get(path);
      if (text === undefined) continue;
      const named = onceForText(files, path, text, `named ${home} ${workingDirectory}`, () =>
        filesNamedByScript(path, text, home, workingDirectory),
      );
      for (const inner of named) reached.add(inner);
    }
    chain = { reached: [...reached] };
  }
  if (item.environmentFiles === undefined) return chain;
  const reached = new Set(chain.reached);
  for (const path of item.environmentFiles) reached.add(path);
  return { ...chain, reached: [...reached] };
}

/**
 * A reader of each script for followScripts that starts it in the folders the script that ran it may have been in
 * (`cd ~/.p` in run.sh, then `sh ./stage.sh`, whose `./kworker -c p.json` is in ~/.p): those of the job's command for
 * the first level, then those workingDirectories gives the script that named it.
 */
export function foldersFollowed(
  first: string[],
  home: string | undefined,
  files: ReadonlyMap<string, string>,
  read: (path: string, text: string, folders: string[]) => Iterable<string>,
): (path: string, text: string) => string[] {
  const foldersOf = new Map<string, string[]>();
  return (path, text) => {
    const folders = foldersOf.get(path) ?? first;
    const named = [...read(path, text, folders)];
    const after = onceForText(files, path, text, `folders ${home} ${folders.join('\u0000')}`, () =>
      workingDirectories(['/bin/sh', '-c', text], home, folders),
    );
    for (const inner of named) if (!foldersOf.has(inner) && files.has(inner)) foldersOf.set(inner, after);
    return named;
  };
}

/**
 * What reading a file's text gave, kept with the map of texts a reader read (and gone with it): a reader asks again
 * after each level of scripts it reads, and each asking would read every script again. `key` says what was asked.
 */
function onceForText<T>(files: ReadonlyMap<string, string>, path: string, text: string, key: string, read: () => T): T {
  let byPath = answersFor.get(files);
  if (byPath === undefined) answersFor.set(files, (byPath = new Map()));
  let answers = byPath.get(path);
  // A reader sets a path's text once; a map changed since is asked afresh.
  if (answers === undefined || answers.text !== text) byPath.set(path, (answers = { text, byKey: new Map() }));
  if (!answers.byKey.has(key)) answers.byKey.set(key, read());
  return answers.byKey.get(key) as T;
}

const answersFor = new WeakMap<
  ReadonlyMap<string, string>,
  Map<string, { text: string; byKey: Map<string, unknown> }>
>();

/**
 * The command as the kernel runs it: commandRunBy, and when its program is a script whose text was read (a plist's
 * Program or ProgramArguments[0] that is `run.sh` itself, not `sh run.sh`), the words of its `#!` line first and the
 * script's path after them (execve(2), "Interpreter scripts"), so that the script is read as the one a shell or an
 * interpreter is handed. A text without `#!` is no script the kernel runs: launchd's posix_spawn fails with ENOEXEC.
 */
export function commandAsRun(item: LaunchItem, files?: ReadonlyMap<string, string>): string[] {
  const command = commandRunBy(item);
  const program = scriptProgramOf(item);
  const text = program === undefined ? undefined : files?.get(program);
  const interpreter = text === undefined ? undefined : shebangWords(text);
  if (interpreter === undefined || interpreter.length === 0) return command;
  return [...interpreter, ...command];
}

/**
 * The file a job executes itself, which a reader may find to be a script: its program, by absolute path. An
 * interpreter's name is no proof of a binary (a script may be called `bash`): what the file starts with says.
 */
export function scriptProgramOf(item: LaunchItem): string | undefined {
  const program = commandRunBy(item)[0];
  return program !== undefined && program.startsWith('/') ? program : undefined;
}

/**
 * The folder a launchd job starts in: the plist's WorkingDirectory when it is an absolute path (launchd.plist(5):
 * chdir(2)'d to before the job runs), else `/`, launchd's own. Other kinds of item: the folder their reader
 * resolved (systemd's WorkingDirectory= and defaults, an autostart entry's Path=), else `/`.
 */
export function workingDirectoryOf(item: LaunchItem): string {
  if (item.kind !== 'LaunchAgent' && item.kind !== 'LaunchDaemon') return absoluteFolder(item.workingDirectory) ?? '/';
  const content = item.content;
  if (typeof content !== 'object' || content === null || !Object.hasOwn(content, 'WorkingDirectory')) return '/';
  return absoluteFolder((content as Record<string, unknown>)['WorkingDirectory']) ?? '/';
}

/** `EnvironmentVariables.HOME` of a plist, when it is an absolute path. */
function environmentHome(content: unknown): string | undefined {
  if (typeof content !== 'object' || content === null) return undefined;
  const environment = (content as Record<string, unknown>)['EnvironmentVariables'];
  if (typeof environment !== 'object' || environment === null || Array.isArray(environment)) return undefined;
  return absoluteFolder(
    Object.hasOwn(environment, 'HOME') ? (environment as Record<string, unknown>)['HOME'] : undefined,
  );
}

/** A plist value naming a folder by absolute path, its trailing slashes trimmed (a loop: no regular expression). */
function absoluteFolder(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('/')) return undefined;
  let end = value.length;
  while (end > 1 && value.charCodeAt(end - 1) === 47) end--;
  return value.slice(0, end);
}
