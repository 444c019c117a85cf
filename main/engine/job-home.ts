// What `~` and `$HOME` mean in a job's command line: the HOME its processes get, not the scanning user's.
// launchd sets HOME, without overwriting, from the password entry of the user a job runs as (UserName, or the
// user whose domain it is in), and only then the plist's EnvironmentVariables, which win (launchd core.c:
// job_postfork_become_user calls setenv("HOME", pw_dir, 0); job_setup_attributes then setenv(key, value, 1)
// for each EnvironmentVariables entry). A daemon with no UserName runs as root and gets no HOME from
// launchd (job_postfork_become_user returns before it), so a shell expands `~` to root's own home ("If HOME
// is unset, the home directory of the user executing the shell is substituted": bash(1), Tilde Expansion).
import { commandRunBy } from './launch-item';
import type { LaunchItem, UserInfo } from './model';
import { filesNamedBy, filesNamedByScript } from './referenced-files';

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
 * The files a job's command line names (as its program reads it: commandRunBy), `~` and relative names read as
 * that job's own (homeOfJob, workingDirectoryOf). Given the files already read, also those that the scripts among
 * them name in their own commands (filesNamedByScript): a reader reads the first, then asks again.
 */
export function filesNamedByJob(
  item: LaunchItem,
  user: UserInfo | undefined,
  files?: ReadonlyMap<string, string>,
): string[] {
  const home = homeOfJob(item, user);
  const workingDirectory = workingDirectoryOf(item);
  const named = filesNamedBy(commandRunBy(item), home, workingDirectory);
  const all = new Set(item.environmentFiles === undefined ? named : [...named, ...item.environmentFiles]);
  if (files !== undefined)
    for (const path of named) {
      const text = files.get(path);
      if (text !== undefined)
        for (const inner of filesNamedByScript(path, text, home, workingDirectory)) all.add(inner);
    }
  return [...all];
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
