// Tells the monitor when a launchd (or systemd) folder changes, so new items show at once rather than at
// the next minute's re-read. A folder that does not exist or cannot be watched is simply not watched.
import { watch, type FSWatcher } from 'node:fs';

export function watchFolders(folders: string[], onChange: () => void): () => void {
  const watchers: FSWatcher[] = [];
  let pending: NodeJS.Timeout | undefined;
  // Editors and installers write several times in a row: one re-read after they settle.
  const changed = (): void => {
    if (pending) clearTimeout(pending);
    pending = setTimeout(onChange, 250);
  };
  for (const folder of folders) {
    try {
      const watcher = watch(folder, { persistent: false }, changed);
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch {
      // Missing or unreadable: the periodic re-read still covers it.
    }
  }
  return () => {
    if (pending) clearTimeout(pending);
    for (const watcher of watchers) watcher.close();
  };
}
