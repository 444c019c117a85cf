// A launchd property list (XML or binary) as the engine's launch item. Plists are attacker-controlled:
// every field is checked for its type, and what is wrong is recorded as a problem, never thrown.
import { appBundleOf, injectedLibrariesIn, newLaunchItem } from '../../engine/launch-item';
import { posix } from 'node:path';
import type { ItemKind, ItemScope, LaunchItem } from '../../engine/model';
import { isPlistDict, parsePlistBytes, type PlistValue } from './plist-value';

export interface PlistFile {
  path: string;
  bytes: Uint8Array;
  mtime?: string;
  /** Why the file's bytes could not be had (too large, a link that leaves the capture, not a file). */
  unreadable?: string;
  /** Where a symbolic link at `path` led. */
  linkTarget?: string;
}

export const PERSISTENCE_TECHNIQUE: Record<'LaunchAgent' | 'LaunchDaemon', string> = {
  LaunchAgent: 'T1543.001',
  LaunchDaemon: 'T1543.004',
};

export function readPlistValue(bytes: Uint8Array): { value?: PlistValue; problem?: string } {
  try {
    return { value: parsePlistBytes(bytes) };
  } catch (error) {
    return { problem: `cannot parse property list: ${(error as Error).message.split('\n')[0]}` };
  }
}

export function launchItemFromPlist(
  file: PlistFile,
  kind: ItemKind & ('LaunchAgent' | 'LaunchDaemon'),
  scope: ItemScope,
): LaunchItem {
  const item = newLaunchItem(file.path, kind, scope, PERSISTENCE_TECHNIQUE[kind], file.bytes);
  const { problems } = item;
  if (file.mtime) item.mtime = file.mtime;
  if (file.linkTarget !== undefined) problems.push(`a symbolic link to ${file.linkTarget}`);
  const unreadable = (why: string): LaunchItem => {
    problems.push(why);
    item.unreadable = why;
    return item;
  };
  if (file.unreadable !== undefined) return unreadable(file.unreadable);

  const { value, problem } = readPlistValue(file.bytes);
  if (problem) return unreadable(problem);
  if (!isPlistDict(value)) return unreadable('the property list is not a dictionary');
  item.content = value;
  if (Object.keys(value).length === 0)
    return unreadable('empty property list (<dict/>): a leftover that launchd cannot load');

  const label = value.Label;
  if (typeof label === 'string' && label !== '') item.label = label;
  else problems.push(label === undefined ? 'no Label' : 'Label is not a string');

  const program = value.Program;
  const programArguments = value.ProgramArguments;
  let argv: string[] | undefined;
  if (programArguments !== undefined) {
    if (Array.isArray(programArguments) && programArguments.every((a) => typeof a === 'string'))
      argv = programArguments as string[];
    else problems.push('ProgramArguments is not an array of strings');
  }
  if (program !== undefined && typeof program !== 'string') problems.push('Program is not a string');
  // launchd executes Program when it is set; ProgramArguments is then only the argv it passes. An
  // SMAppService plist inside an app names its program relative to the bundle (BundleProgram).
  const bundled = bundleProgram(file.path, value.BundleProgram, problems);
  if (typeof program === 'string' && program !== '') item.program = program;
  else if (bundled !== undefined) item.program = bundled;
  else if (argv && argv[0]) item.program = argv[0];
  item.arguments = argv && argv.length > 0 ? argv : item.program ? [item.program] : [];
  if (!item.program) problems.push('neither Program nor ProgramArguments names a program');

  item.runAtLoad = value.RunAtLoad === true;
  const keepAlive = value.KeepAlive;
  if (typeof keepAlive === 'boolean') item.keepAlive = keepAlive;
  else if (isPlistDict(keepAlive)) item.keepAlive = keepAlive;
  if (typeof value.StartInterval === 'number') item.startInterval = value.StartInterval;
  if (value.StartCalendarInterval !== undefined) item.startCalendarInterval = value.StartCalendarInterval;
  item.watchPaths = stringList(value.WatchPaths);
  if (typeof value.UserName === 'string') item.userName = value.UserName;
  if (typeof value.WorkingDirectory === 'string') item.workingDirectory = value.WorkingDirectory;
  // launchd hands EnvironmentVariables to the job, and dyld loads DYLD_INSERT_LIBRARIES into any program that is
  // not restricted (hardened runtime without the entitlement, setuid, or SIP-protected): KnockKnock's "Library
  // Inserts" looks for the same key.
  const environment = value.EnvironmentVariables;
  if (isPlistDict(environment) && Object.hasOwn(environment, 'DYLD_INSERT_LIBRARIES')) {
    const inserted = environment['DYLD_INSERT_LIBRARIES'];
    const libraries = typeof inserted === 'string' ? injectedLibrariesIn(inserted, ':') : [];
    if (libraries.length > 0) item.injectedLibraries = libraries;
  }
  if (typeof value.Disabled === 'boolean') item.disabledInPlist = value.Disabled;
  item.limitLoadToSessionType = stringList(value.LimitLoadToSessionType);
  return item;
}

/** A key that launchd accepts as a string or an array of strings. */
function stringList(value: PlistValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** `BundleProgram` resolved against the app bundle that holds the plist; a path that climbs out is a problem, not a program. */
function bundleProgram(plistPath: string, value: PlistValue | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    problems.push('BundleProgram is not a string');
    return undefined;
  }
  const bundle = appBundleOf(plistPath)?.bundle;
  if (bundle === undefined) {
    problems.push('BundleProgram outside an app bundle: launchd ignores it');
    return undefined;
  }
  const resolved = posix.normalize(`${bundle}/${value}`);
  if (!resolved.startsWith(`${bundle}/`)) {
    problems.push(`BundleProgram ${JSON.stringify(value)} leads out of ${bundle}`);
    return undefined;
  }
  return resolved;
}
