// A launch item with nothing read from it yet: the readers fill in what their file says.
import { createHash } from 'node:crypto';
import type { ItemKind, ItemScope, LaunchItem, Reason } from './model';

export function newLaunchItem(
  path: string,
  kind: ItemKind,
  scope: ItemScope,
  persistenceTechnique: string,
  bytes: Uint8Array,
): LaunchItem {
  return {
    id: path,
    label: '',
    plistPath: path,
    kind,
    scope,
    arguments: [],
    runAtLoad: false,
    keepAlive: false,
    watchPaths: [],
    limitLoadToSessionType: [],
    problems: [],
    persistenceTechnique,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/**
 * The command as it is executed: the program launchd (`Program`) or systemd (`@`) runs, then the arguments after
 * argv[0], which is only the name the process shows (launchd.plist(5), Program; systemd.service(5), Command lines).
 * What a program does with its arguments (a shell's `-c`, a miner's `-c config.json`) is the program's, whatever
 * name it shows: `Program=/bin/sh` with `ProgramArguments=(update, -c, ...)` runs a shell command.
 */
export function commandRunBy(item: LaunchItem): string[] {
  const [argv0, ...rest] = item.arguments;
  if (!item.program || argv0 === undefined || argv0 === item.program) return item.arguments;
  return [item.program, ...rest];
}

/** At most this many libraries of one item's injection list are kept. */
const MAX_INJECTED_LIBRARIES = 32;

/**
 * The libraries an injection variable names: dyld(1) reads DYLD_INSERT_LIBRARIES as a colon-separated list;
 * ld.so(8) reads LD_PRELOAD as a list separated by colons or spaces.
 */
export function injectedLibrariesIn(value: string, separators: ':' | ': '): string[] {
  const libraries: string[] = [];
  let start = 0;
  for (let i = 0; i <= value.length && libraries.length < MAX_INJECTED_LIBRARIES; i++) {
    const c = value[i];
    if (i < value.length && c !== ':' && !(separators === ': ' && (c === ' ' || c === '\t'))) continue;
    if (i > start) libraries.push(value.slice(start, i));
    start = i + 1;
  }
  return libraries;
}

/**
 * One digest for the libraries an item injects, from each one's SHA-256 (undefined where it could not be read, which
 * counts too: a library that appears or goes changes it).
 */
export function injectedLibrariesDigest(libraries: readonly { path: string; sha256: string | undefined }[]): string {
  const hash = createHash('sha256');
  for (const { path, sha256 } of libraries)
    hash
      .update(path)
      .update('\u0000')
      .update(sha256 ?? '-')
      .update('\u0000');
  return hash.digest('hex');
}

/** A reason as documents carry it (scan JSON, the views). */
export function reasonDocument(r: Reason): {
  code: string;
  text: string;
  weight: number;
  family: string;
  strength: 'strong' | 'weak';
  attack?: string;
} {
  return {
    code: r.code,
    text: r.text,
    weight: r.weight,
    family: r.family,
    strength: r.strength,
    ...(r.attack ? { attack: r.attack } : {}),
  };
}

/**
 * `<bundle>.app/Contents/Library/LaunchAgents|LaunchDaemons/<file>`: an item inside an app bundle
 * (SMAppService), which macOS manages; its bundle and kind, else undefined.
 */
export function appBundleOf(path: string): { bundle: string; kind: 'LaunchAgent' | 'LaunchDaemon' } | undefined {
  const folders = [
    ['/Contents/Library/LaunchAgents/', 'LaunchAgent'],
    ['/Contents/Library/LaunchDaemons/', 'LaunchDaemon'],
  ] as const;
  for (const [folder, kind] of folders) {
    const at = path.lastIndexOf(folder);
    if (at < 0) continue;
    const bundle = path.slice(0, at);
    const file = path.slice(at + folder.length);
    if (bundle.endsWith('.app') && file !== '' && !file.includes('/')) return { bundle, kind };
  }
  return undefined;
}
