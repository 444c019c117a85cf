// Linux persistence mapped onto the launch item model: systemd services and XDG autostart entries.
import { newLaunchItem } from '../../engine/launch-item';
import type { ItemScope, LaunchItem } from '../../engine/model';
import { serviceExec, type ServiceManager } from './systemd-exec';
import { parseDesktopExec, parseIni } from './unit-file';

export interface PersistenceFolder {
  path: string;
  kind: 'systemd-service' | 'autostart';
  scope: ItemScope;
}

/** Where systemd and XDG autostart look, honouring $HOME and $XDG_CONFIG_HOME. */
export function persistenceFolders(env: NodeJS.ProcessEnv, home: string): PersistenceFolder[] {
  const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : `${home}/.config`;
  const configDirs = (env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':').filter((d) => d.startsWith('/'));
  return [
    { path: '/etc/systemd/system', kind: 'systemd-service', scope: 'system' },
    { path: '/usr/lib/systemd/system', kind: 'systemd-service', scope: 'system' },
    { path: '/lib/systemd/system', kind: 'systemd-service', scope: 'system' },
    { path: `${config}/systemd/user`, kind: 'systemd-service', scope: 'user' },
    { path: '/etc/systemd/user', kind: 'systemd-service', scope: 'system' },
    { path: '/usr/lib/systemd/user', kind: 'systemd-service', scope: 'system' },
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
}

const NOBODY_READING: UnitReadingContext = {
  user: { name: '', uid: 0, home: '/' },
  env: {},
  hostname: '',
  homeOf: () => undefined,
};

export function itemFromUnitFile(
  path: string,
  bytes: Buffer,
  folder: PersistenceFolder,
  mtime?: string,
  context: UnitReadingContext = NOBODY_READING,
): LaunchItem {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const sections = parseIni(bytes.toString('utf8'));
  const item: LaunchItem = {
    ...newLaunchItem(path, folder.kind, folder.scope, TECHNIQUE[folder.kind], bytes),
    label: name,
    content: sections,
    rawText: bytes.toString('utf8'),
  };
  const { problems } = item;
  if (mtime) item.mtime = mtime;

  if (folder.kind === 'systemd-service') {
    item.unitName = name;
    const service = sections.Service ?? {};
    // Units in a .../systemd/user folder run under each user's own manager, the others under pid 1.
    const manager: ServiceManager = {
      system: !folder.path.includes('/systemd/user'),
      userName: context.user.name,
      uid: context.user.uid,
      home: context.user.home,
      env: context.env,
      hostname: context.hostname,
    };
    const exec = serviceExec(path, service, manager, context.homeOf);
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
