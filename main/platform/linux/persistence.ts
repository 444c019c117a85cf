// Linux persistence mapped onto the launch item model: systemd services and XDG autostart entries.
import { newLaunchItem } from '../../engine/launch-item';
import type { ItemScope, LaunchItem } from '../../engine/model';
import { parseDesktopExec, parseExecStart, parseIni } from './unit-file';

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

export function itemFromUnitFile(path: string, bytes: Buffer, folder: PersistenceFolder, mtime?: string): LaunchItem {
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
    const exec = (service.ExecStart ?? []).filter((v) => v !== '');
    if (exec[0] !== undefined) item.arguments = parseExecStart(exec[0]);
    else problems.push('no ExecStart');
    item.runAtLoad = (sections.Install?.WantedBy ?? []).length > 0;
    const restart = service.Restart?.at(-1);
    item.keepAlive = restart !== undefined && restart !== 'no';
    const user = service.User?.at(-1);
    if (user) item.userName = user;
    const dir = service.WorkingDirectory?.at(-1);
    if (dir) item.workingDirectory = dir;
  } else {
    const entry = sections['Desktop Entry'];
    if (!entry) problems.push('no [Desktop Entry] section');
    const exec = entry?.Exec?.at(-1);
    if (exec !== undefined) item.arguments = parseDesktopExec(exec);
    else if (entry) problems.push('no Exec');
    item.runAtLoad = true;
    const hidden = entry?.Hidden?.at(-1) === 'true' || entry?.['X-GNOME-Autostart-enabled']?.at(-1) === 'false';
    if (hidden) item.disabledInPlist = true;
  }
  if (item.arguments[0]) item.program = item.arguments[0];
  return item;
}
