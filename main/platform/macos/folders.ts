// Where launchd reads property lists from, and what kind and scope each place means.
import { appBundleOf } from '../../engine/launch-item';
import type { ItemKind, ItemScope } from '../../engine/model';

export interface LaunchdFolder {
  path: string;
  kind: ItemKind;
  scope: ItemScope;
}

export function launchdFolders(home: string): LaunchdFolder[] {
  return [
    { path: '/Library/LaunchAgents', kind: 'LaunchAgent', scope: 'system' },
    { path: '/Library/LaunchDaemons', kind: 'LaunchDaemon', scope: 'system' },
    { path: `${home}/Library/LaunchAgents`, kind: 'LaunchAgent', scope: 'user' },
    { path: '/System/Library/LaunchAgents', kind: 'LaunchAgent', scope: 'apple' },
    { path: '/System/Library/LaunchDaemons', kind: 'LaunchDaemon', scope: 'apple' },
  ];
}

/** Folders whose `*.app/Contents/Library/LaunchAgents` and `LaunchDaemons` hold app-bundle (SMAppService) items. */
export function applicationFolders(home: string): string[] {
  return ['/Applications', `${home}/Applications`];
}

/** Kind and scope of a plist from its path alone (a capture stores files under their own paths). */
export function classifyPlistPath(path: string, home: string): LaunchdFolder | undefined {
  const inApp = appBundleOf(path);
  if (inApp)
    return {
      path: path.slice(0, path.lastIndexOf('/')),
      kind: inApp.kind,
      scope: 'app-bundle',
    };
  const folder = path.slice(0, path.lastIndexOf('/'));
  return launchdFolders(home).find((f) => f.path === folder);
}
