// Which launchd domain a launch item's file is loaded in, by its folder alone: for Undo and for the words that say
// what Undo will do (the app's and the CLI's lists of actions).
import { basename, dirname } from 'node:path';

/**
 * The launchd domain a property list in `folder` is loaded in (launchd.plist(5), FILES): a LaunchDaemons folder's in
 * the system domain, a LaunchAgents folder's in the user's GUI session; none for any other folder.
 */
export function launchdDomainOf(path: string, uid: number): string | undefined {
  const folder = basename(dirname(path));
  if (folder === 'LaunchDaemons') return 'system';
  if (folder === 'LaunchAgents') return `gui/${uid}`;
  return undefined;
}
