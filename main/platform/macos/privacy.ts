// Places macOS guards with a privacy prompt (TCC): reading a file in them asks the user for access, and
// would do so every time the inventory is read. They are left alone unless the app already has Full
// Disk Access, which is probed without a prompt by opening the TCC database itself (EPERM otherwise).
import { closeSync, openSync } from 'node:fs';

export function guardedPlace(path: string, home: string): string | undefined {
  const places: [string, string][] = [
    [`${home}/Desktop/`, 'the Desktop folder'],
    [`${home}/Documents/`, 'the Documents folder'],
    [`${home}/Downloads/`, 'the Downloads folder'],
    [`${home}/Library/Mobile Documents/`, 'iCloud Drive'],
    ['/Volumes/', 'a removable or network volume'],
  ];
  return places.find(([prefix]) => path.startsWith(prefix))?.[1];
}

/** Full Disk Access, tested the way that never prompts: the user's TCC database opens only with it. */
export function hasFullDiskAccess(root: string, home: string): boolean {
  try {
    closeSync(openSync(`${root}${home}/Library/Application Support/com.apple.TCC/TCC.db`, 'r'));
    return true;
  } catch {
    return false;
  }
}

export function privacyNote(path: string, place: string): string {
  return `not read: ${path} is in ${place}, which macOS guards with a privacy prompt (grant Launchwatch Full Disk Access to have it read)`;
}
