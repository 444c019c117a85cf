// A launchd property list (XML or binary) as the engine's launch item. Plists are attacker-controlled:
// every field is checked for its type, and what is wrong is recorded as a problem, never thrown.
import { newLaunchItem } from '../../engine/launch-item';
import { parse, parseBinary, type PlistValue } from 'plist';
import type { ItemKind, ItemScope, LaunchItem } from '../../engine/model';

export interface PlistFile {
  path: string;
  bytes: Uint8Array;
  mtime?: string;
}

export const PERSISTENCE_TECHNIQUE: Record<'LaunchAgent' | 'LaunchDaemon', string> = {
  LaunchAgent: 'T1543.001',
  LaunchDaemon: 'T1543.004',
};

export function readPlistValue(bytes: Uint8Array): { value?: PlistValue; problem?: string } {
  const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  try {
    if (head === 'bplist00') return { value: parseBinary(bytes) };
    const text = Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (!text.startsWith('<')) return { problem: `not a property list (starts with ${JSON.stringify(Buffer.from(bytes.subarray(0, 8)).toString('latin1'))})` };
    return { value: quietly(() => parse(text)) };
  } catch (error) {
    return { problem: `cannot parse property list: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** The XML parser prints its own complaints to the console; the problem is recorded on the item instead. */
function quietly<T>(run: () => T): T {
  const original = console.error;
  console.error = () => undefined;
  try {
    return run();
  } finally {
    console.error = original;
  }
}

export function launchItemFromPlist(file: PlistFile, kind: ItemKind & ('LaunchAgent' | 'LaunchDaemon'), scope: ItemScope): LaunchItem {
  const item = newLaunchItem(file.path, kind, scope, PERSISTENCE_TECHNIQUE[kind], file.bytes);
  const { problems } = item;
  if (file.mtime) item.mtime = file.mtime;

  const { value, problem } = readPlistValue(file.bytes);
  if (problem) {
    problems.push(problem);
    return item;
  }
  if (!isDict(value)) {
    problems.push('the property list is not a dictionary');
    return item;
  }
  item.content = value;
  if (Object.keys(value).length === 0) {
    problems.push('empty property list (<dict/>): a leftover that launchd cannot load');
    return item;
  }

  const label = value.Label;
  if (typeof label === 'string' && label !== '') item.label = label;
  else problems.push(label === undefined ? 'no Label' : 'Label is not a string');

  const program = value.Program;
  const programArguments = value.ProgramArguments;
  let argv: string[] | undefined;
  if (programArguments !== undefined) {
    if (Array.isArray(programArguments) && programArguments.every((a) => typeof a === 'string')) argv = programArguments as string[];
    else problems.push('ProgramArguments is not an array of strings');
  }
  if (program !== undefined && typeof program !== 'string') problems.push('Program is not a string');
  // launchd executes Program when it is set; ProgramArguments is then only the argv it passes.
  if (typeof program === 'string' && program !== '') item.program = program;
  else if (argv && argv[0]) item.program = argv[0];
  item.arguments = argv && argv.length > 0 ? argv : item.program ? [item.program] : [];
  if (!item.program) problems.push('neither Program nor ProgramArguments names a program');

  item.runAtLoad = value.RunAtLoad === true;
  const keepAlive = value.KeepAlive;
  if (typeof keepAlive === 'boolean') item.keepAlive = keepAlive;
  else if (isDict(keepAlive)) item.keepAlive = keepAlive;
  if (typeof value.StartInterval === 'number') item.startInterval = value.StartInterval;
  if (value.StartCalendarInterval !== undefined) item.startCalendarInterval = value.StartCalendarInterval;
  item.watchPaths = stringList(value.WatchPaths);
  if (typeof value.UserName === 'string') item.userName = value.UserName;
  if (typeof value.WorkingDirectory === 'string') item.workingDirectory = value.WorkingDirectory;
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

function isDict(value: PlistValue | undefined): value is { [key: string]: PlistValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}
