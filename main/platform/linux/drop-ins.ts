// systemd drop-ins: `<unit>.d/*.conf` files read after the unit file and merged into it (systemd.unit(5),
// "Description"). One can replace a harmless unit's ExecStart= without touching the unit file, so a unit is read
// with its drop-ins, as `systemctl cat` shows it.
import type { IniSections } from './unit-file';

/** At most this many drop-ins are read for one unit (systemd has no bound; past it, the unit says so). */
export const MAX_DROP_INS = 64;

/**
 * The drop-in folders systemd reads for a unit, most specific first: `foo-bar-baz.service.d/`, then the name cut
 * after each dash (`foo-bar-.service.d/`, `foo-.service.d/`), then the type's own (`service.d/`), which applies to
 * every service (systemd.unit(5)).
 */
export function dropInFolderNames(unitName: string): string[] {
  const dot = unitName.lastIndexOf('.');
  if (dot <= 0) return [];
  const base = unitName.slice(0, dot);
  const suffix = unitName.slice(dot);
  const names = [`${unitName}.d`];
  for (let dash = base.lastIndexOf('-', base.length - 2); dash > 0; dash = base.lastIndexOf('-', dash - 1))
    names.push(`${base.slice(0, dash + 1)}${suffix}.d`);
  names.push(`${suffix.slice(1)}.d`);
  return names;
}

/**
 * The drop-ins that apply, in the order systemd applies them: by file name, whichever folder holds it; of two files
 * with one name, the one in the earlier folder of the search path wins, and within one search folder the more
 * specific drop-in folder. `listing` gives a drop-in folder's `.conf` names (undefined when there is none).
 */
export function chooseDropIns(
  unitName: string,
  searchFolders: readonly string[],
  listing: (folder: string) => readonly string[] | undefined,
): { paths: string[]; more: number } {
  const chosen = new Map<string, string>();
  for (const folder of searchFolders)
    for (const dirName of dropInFolderNames(unitName))
      for (const name of listing(`${folder}/${dirName}`) ?? [])
        if (!chosen.has(name)) chosen.set(name, `${folder}/${dirName}/${name}`);
  const names = [...chosen.keys()].sort(byCodeUnits);
  return {
    paths: names.slice(0, MAX_DROP_INS).map((n) => chosen.get(n) as string),
    more: Math.max(0, names.length - MAX_DROP_INS),
  };
}

/** Sections merged as systemd merges files: every later `Key=` is one more assignment of that key. */
export function mergeSections(into: IniSections, from: IniSections): IniSections {
  for (const [section, keys] of Object.entries(from)) {
    const target = (into[section] ??= Object.create(null) as Record<string, string[]>);
    for (const [key, values] of Object.entries(keys)) (target[key] ??= []).push(...values);
  }
  return into;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
