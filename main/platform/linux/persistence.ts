// Linux persistence mapped onto the launch item model: systemd services and XDG autostart entries.
import { injectedLibrariesIn, newLaunchItem } from '../../engine/launch-item';
import type { ItemScope, LaunchItem } from '../../engine/model';
import { mergeSections } from './drop-ins';
import { afterLastReset, serviceExec, type ServiceManager, type WildcardExpander } from './systemd-exec';
import { parseDesktopExec, parseIni } from './unit-file';

export interface PersistenceFolder {
  path: string;
  kind: 'systemd-service' | 'autostart';
  scope: ItemScope;
  /** systemd: the manager whose search path it is in (pid 1's, or each user's `systemd --user`). */
  manager?: 'system' | 'user';
}

/**
 * Where systemd and XDG autostart look, honouring $HOME and the XDG variables. systemd's folders are its unit
 * search path (systemd.unit(5), "Unit File Load Path"; `systemd-analyze unit-paths`), in its order of precedence,
 * without those under /run, which do not outlive a reboot: a unit in an earlier folder hides one of the same name
 * in a later one, and each folder's `<unit>.d/` drop-ins are read with it.
 */
export function persistenceFolders(env: NodeJS.ProcessEnv, home: string): PersistenceFolder[] {
  const absolute = (value: string | undefined): string | undefined =>
    value !== undefined && value.startsWith('/') ? value : undefined;
  const config = absolute(env.XDG_CONFIG_HOME) ?? `${home}/.config`;
  const data = absolute(env.XDG_DATA_HOME) ?? `${home}/.local/share`;
  const configDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter((d) => d.startsWith('/'));
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter((d) => d.startsWith('/'));
  const system = (path: string): PersistenceFolder => ({
    path,
    kind: 'systemd-service',
    scope: 'system',
    manager: 'system',
  });
  const user = (path: string, scope: ItemScope): PersistenceFolder => ({
    path,
    kind: 'systemd-service',
    scope,
    manager: 'user',
  });
  return [
    system('/etc/systemd/system.control'),
    system('/etc/systemd/system'),
    system('/etc/systemd/system.attached'),
    system('/usr/local/lib/systemd/system'),
    system('/usr/lib/systemd/system'),
    system('/lib/systemd/system'),
    user(`${config}/systemd/user.control`, 'user'),
    user(`${config}/systemd/user`, 'user'),
    ...configDirs.map((d) => user(`${d}/systemd/user`, 'system')),
    user('/etc/systemd/user', 'system'),
    user(`${data}/systemd/user`, 'user'),
    ...dataDirs.map((d) => user(`${d}/systemd/user`, 'system')),
    user('/usr/local/lib/systemd/user', 'system'),
    user('/usr/lib/systemd/user', 'system'),
    { path: `${config}/autostart`, kind: 'autostart', scope: 'user' },
    ...configDirs.map((d) => ({ path: `${d}/autostart`, kind: 'autostart' as const, scope: 'system' as const })),
  ];
}

const TECHNIQUE = { 'systemd-service': 'T1543.002', autostart: 'T1547.013' } as const;

/** Who reads the units: the user whose manager runs user units and whose session runs autostart entries. */
export interface UnitReadingContext {
  user: { name: string; uid: number; home: string };
  /** The user's XDG_* and TMPDIR, for the specifiers of user units. */
  env: Readonly<Record<string, string | undefined>>;
  hostname: string;
  /** A User= (name or uid) looked up in the passwd file. */
  homeOf: (user: string) => string | undefined;
  /** An EnvironmentFile= file's text, when it can be read. */
  readEnvironmentFile?: (path: string) => string | undefined;
  /** The files an EnvironmentFile= wildcard matches, when folders can be looked at (a live reading). */
  expandWildcard?: WildcardExpander;
}

const NOBODY_READING: UnitReadingContext = {
  user: { name: '', uid: 0, home: '/' },
  env: {},
  hostname: '',
  homeOf: () => undefined,
};

/** A systemd drop-in read with its unit (drop-ins.ts chooses which, in order). */
export interface DropIn {
  path: string;
  bytes: Buffer;
}

/**
 * A unit file, or an autostart entry, as a launch item. A unit is read with its drop-ins, merged as systemd merges
 * them; its text is then the unit's and each drop-in's under a `# <path>` line, as `systemctl cat` prints it, and its
 * SHA-256 is over that text, so an approval vouches for the drop-ins too.
 */
export function itemFromUnitFile(
  path: string,
  bytes: Buffer,
  folder: PersistenceFolder,
  mtime?: string,
  context: UnitReadingContext = NOBODY_READING,
  dropIns: readonly DropIn[] = [],
): LaunchItem {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const sections = parseIni(bytes.toString('utf8'));
  let replacedBy: string | undefined;
  for (const dropIn of dropIns) {
    const extra = parseIni(dropIn.bytes.toString('utf8'));
    const values = extra.Service?.ExecStart;
    if (values !== undefined) {
      // The command is the drop-in's when it clears the lines before (an empty ExecStart=) and gives one, or gives
      // the first; one added to the unit's own is another line (named by serviceExec), not a replacement.
      const hadCommand = afterLastReset(sections.Service?.ExecStart ?? []).length > 0;
      const gives = afterLastReset(values).length > 0;
      if (gives && (values.includes('') || !hadCommand)) replacedBy = dropIn.path;
      else if (values.includes('') && !gives) replacedBy = undefined;
    }
    mergeSections(sections, extra);
  }
  const text =
    dropIns.length === 0
      ? bytes.toString('utf8')
      : [
          `# ${path}\n${bytes.toString('utf8')}`,
          ...dropIns.map((d) => `# ${d.path}\n${d.bytes.toString('utf8')}`),
        ].join('\n');
  const item: LaunchItem = {
    ...newLaunchItem(
      path,
      folder.kind,
      folder.scope,
      TECHNIQUE[folder.kind],
      dropIns.length === 0 ? bytes : Buffer.from(text),
    ),
    label: name,
    content: sections,
    rawText: text,
  };
  const { problems } = item;
  if (mtime) item.mtime = mtime;

  if (folder.kind === 'systemd-service') {
    item.unitName = name;
    if (replacedBy !== undefined) problems.push(`ExecStart= is set by the drop-in ${replacedBy}, not by the unit file`);
    const service = sections.Service ?? {};
    const manager: ServiceManager = {
      system: folder.manager !== 'user',
      userName: context.user.name,
      uid: context.user.uid,
      home: context.user.home,
      env: context.env,
      hostname: context.hostname,
    };
    const exec = serviceExec(
      path,
      service,
      manager,
      context.homeOf,
      context.readEnvironmentFile,
      context.expandWildcard,
    );
    if (exec.environmentFiles.length > 0) item.environmentFiles = exec.environmentFiles;
    const preloaded = exec.preload === undefined ? [] : injectedLibrariesIn(exec.preload, ': ');
    if (preloaded.length > 0) item.injectedLibraries = preloaded;
    item.arguments = exec.arguments;
    if (exec.program) item.program = exec.program;
    if (exec.home !== undefined) item.home = exec.home;
    item.workingDirectory = exec.workingDirectory;
    problems.push(...exec.problems);
    item.runAtLoad = (sections.Install?.WantedBy ?? []).length > 0;
    const restart = service.Restart?.at(-1);
    item.keepAlive = restart !== undefined && restart !== 'no';
    const user = service.User?.at(-1);
    if (user) item.userName = user;
  } else {
    const entry = sections['Desktop Entry'];
    if (!entry) problems.push('no [Desktop Entry] section');
    const exec = entry?.Exec?.at(-1);
    if (exec !== undefined) item.arguments = parseDesktopExec(exec);
    else if (entry) problems.push('no Exec');
    item.runAtLoad = true;
    const hidden = entry?.Hidden?.at(-1) === 'true' || entry?.['X-GNOME-Autostart-enabled']?.at(-1) === 'false';
    if (hidden) item.disabledInPlist = true;
    // The session that starts it is the user's; `Path=` is where it runs (Desktop Entry Specification,
    // "Recognized desktop entry keys"), else where the session manager runs: the home folder.
    if (context.user.home !== '/') item.home = context.user.home;
    const folderToRunIn = entry?.Path?.at(-1);
    item.workingDirectory = folderToRunIn?.startsWith('/') === true ? folderToRunIn : context.user.home;
    if (item.arguments[0]) item.program = item.arguments[0];
  }
  return item;
}

/** A unit or entry that could not be read is still an item, looked at harder (a unit's cgroup still ties its processes). */
export function unreadableUnit(path: string, folder: PersistenceFolder, why: string): LaunchItem {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const item = newLaunchItem(path, folder.kind, folder.scope, TECHNIQUE[folder.kind], new Uint8Array());
  item.label = name;
  if (folder.kind === 'systemd-service') item.unitName = name;
  item.unreadable = why;
  item.problems.push(why);
  // Nothing an approval could be checked against (as for a plist that could not be read).
  delete item.sha256;
  return item;
}
