// What a systemd service really runs, where, and with which HOME, read as systemd reads the unit rather than as it
// is written. A unit can hide its program, its configs and its folders behind systemd's own expansions
// (`ExecStart=%h/.cache/.x/kworker -c ${D}/pool.json`, `\x2fhome/...`), so each is applied as documented:
// - words and quoting: systemd.syntax(7) "Quoting" (C-style escapes inside and outside quotes);
// - `%` specifiers: systemd.unit(5) "Specifiers", resolved word by word, for the manager that runs the unit
//   (%h, %u, %U are the manager's user, root's for the system manager, whatever User= says);
// - Environment=: systemd.exec(5) (quoted assignments, later wins, an empty assignment resets the list);
// - `$FOO` and `${FOO}` in ExecStart: systemd.service(5) "Command lines" (a lone `$FOO` word splits at whitespace,
//   `${FOO}` is one argument, `$$` is a dollar, an unset variable is empty, the `:` prefix turns it off; the
//   executable itself is never substituted), `@` (the second word is argv[0]), and a bare executable name looked
//   up in a fixed search path;
// - $HOME, User= and WorkingDirectory=: systemd.exec(5) ("$HOME ... only set for the units that have User= set",
//   user managers' units inherit it; WorkingDirectory= `~` is User='s home, `-` is "missing is not fatal", unset
//   is `/` for the system manager and the user's home for a user manager).

import { ProblemList } from '../problem-list';
import { hasWildcard, literal } from './environment-glob';

/** The manager a unit runs under: pid 1 (the system manager) or a user's `systemd --user`. */
export interface ServiceManager {
  system: boolean;
  userName: string;
  uid: number;
  home: string;
  /** The user manager's XDG_* and TMPDIR (systemd.unit(5): %C %D %E %L %S %t %T %V); ignored for the system manager. */
  env: Readonly<Record<string, string | undefined>>;
  hostname: string;
}

/** What systemd would run for a service, as far as the unit says. */
export interface ServiceExec {
  /** The executable: the first word, specifiers resolved (a bare name is left for the reader to look up). */
  program?: string;
  /** argv as the process receives it. */
  arguments: string[];
  /** The HOME its processes get; undefined when unknown here (User= names a user this scan cannot look up). */
  home?: string;
  /** Where its processes start (an absolute path). */
  workingDirectory: string;
  /** The files EnvironmentFile= names (absolute, specifiers resolved), in order. */
  environmentFiles: string[];
  /** LD_PRELOAD, as its processes get it (ld.so(8): loaded into every program before its own libraries). */
  preload?: string;
  problems: string[];
}

/** The paths an EnvironmentFile= wildcard matches, in systemd's order, and what was not looked at. */
export type WildcardExpander = (pattern: string) => { paths: string[]; problems: string[] };

/** Where a reading's problems go: a plain array in a test, the unit's own bounded, de-duplicated list in serviceExec. */
export type Problems = Pick<string[], 'push'>;

/** systemd's compiled-in search path for an executable given by name (systemd.service(5), "Command lines"). */
export const EXEC_SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Bounds: words in one command line or Environment= line, variables kept, and the length of an expanded word. */
const MAX_WORDS = 4096;
const MAX_VARIABLES = 1024;
const MAX_WORD_LENGTH = 64 * 1024;
const MAX_ENVIRONMENT_FILES = 16;
/** What one unit's EnvironmentFile= files may take in all (each is also at most 1 MiB, as any file an item names). */
const MAX_ENVIRONMENT_BYTES = 1024 * 1024;
/**
 * The most argument text a command can have: execve(2) refuses more (E2BIG; argv and environment together may take a
 * quarter of the stack limit, 2 MiB with the usual 8 MiB), so systemd could not run a longer one either.
 */
const MAX_ARGUMENT_BYTES = 2 * 1024 * 1024;
const TOO_LONG = `ExecStart=: its arguments grow past what execve(2) takes (${MAX_ARGUMENT_BYTES / 1024 / 1024} MiB); the rest not read`;

const ROOT_HOME = '/root';

/** The service's command, HOME and working directory. `homeOf` looks a User= (name or uid) up in the passwd file. */
export function serviceExec(
  unitPath: string,
  service: Readonly<Record<string, string[]>>,
  manager: ServiceManager,
  homeOf: (user: string) => string | undefined,
  readEnvironmentFile: (path: string) => string | undefined = () => undefined,
  expandWildcard?: WildcardExpander,
): ServiceExec {
  // A unit is the attacker's text: each problem is said once, and past a few they are counted (problem-list.ts).
  const named = new ProblemList();
  const said = new Set<string>();
  const problems: Problems = {
    push: (...texts: string[]): number => {
      for (const text of texts) if (!said.has(text) && said.add(text)) named.add(() => text);
      return named.count;
    },
  };
  const specifiers = specifierValues(unitPath, manager);
  const resolve = (word: string, where: string): string => expandSpecifiers(word, specifiers, where, problems);

  const user = lastValue(service.User);
  const environment = environmentOf(service.Environment ?? [], resolve, problems);
  // EnvironmentFile= settings override Environment=, files read in order, later wins (systemd.exec(5)).
  const environmentFiles = environmentFilesOf(service.EnvironmentFile ?? [], resolve, problems, expandWildcard);
  let environmentBytes = 0;
  for (const path of environmentFiles) {
    if (environmentBytes >= MAX_ENVIRONMENT_BYTES) {
      problems.push(`EnvironmentFile=: files past ${MAX_ENVIRONMENT_BYTES / 1024 / 1024} MiB in all not read`);
      break;
    }
    const text = readEnvironmentFile(path);
    if (text === undefined) continue;
    environmentBytes += text.length;
    for (const [name, value] of parseEnvironmentFile(text)) {
      if (!environment.has(name) && environment.size >= MAX_VARIABLES) continue;
      environment.set(name, value);
    }
  }
  // Whose HOME: User='s (systemd sets HOME from its passwd entry), a user manager's own (inherited), or none
  // for the system manager without User= (a shell then falls back to root's own home).
  const userName = user === undefined ? undefined : resolve(user, 'User=');
  const passwdHome =
    userName === undefined
      ? manager.system
        ? undefined
        : manager.home
      : userName === 'root' || userName === '0'
        ? ROOT_HOME
        : userName === manager.userName
          ? manager.home
          : homeOf(userName);
  const substitutionEnv = new Map<string, string>();
  if (passwdHome !== undefined) substitutionEnv.set('HOME', passwdHome);
  if (userName !== undefined) substitutionEnv.set('USER', userName).set('LOGNAME', userName);
  else if (!manager.system) substitutionEnv.set('USER', manager.userName).set('LOGNAME', manager.userName);
  for (const [name, value] of environment) substitutionEnv.set(name, value);
  const environmentHome = environment.get('HOME');
  const home =
    environmentHome?.startsWith('/') === true
      ? environmentHome
      : (passwdHome ?? (userName === undefined && manager.system ? ROOT_HOME : undefined));

  const exec: ServiceExec = { arguments: [], workingDirectory: '/', environmentFiles, problems: [] };
  // An empty ExecStart= clears the lines before it (a drop-in's way to replace a unit's command).
  const execStart = afterLastReset(service.ExecStart ?? []);
  const line = execStart[0];
  if (line === undefined) problems.push('no ExecStart');
  else {
    const command = commandLine(line, resolve, substitutionEnv, problems);
    if (command.program !== undefined) exec.program = command.program;
    exec.arguments = command.argv;
    if (execStart.length > 1)
      problems.push(
        `${execStart.length - 1} more ExecStart= lines (only the first is read; systemd runs them only for Type=oneshot)`,
      );
  }
  if (home !== undefined) exec.home = home;
  const preload = environment.get('LD_PRELOAD');
  if (preload !== undefined && preload !== '') exec.preload = preload;
  exec.workingDirectory = workingDirectory(service, manager, resolve, userName === undefined ? undefined : home);
  exec.problems = named.messages('problems with this unit');
  return exec;
}

/** systemd.syntax(7) "Quoting": words split at unquoted whitespace, "..." and '...' kept whole, C-style escapes decoded. */
export function systemdWords(text: string, problems?: Problems, where = 'line'): string[] {
  const words: string[] = [];
  let bytes: number[] = [];
  let inWord = false;
  let quote = 0;
  let i = 0;
  let dropped = false;
  const flush = (): void => {
    if (inWord && words.length < MAX_WORDS) words.push(Buffer.from(bytes).toString('utf8'));
    else if (inWord && !dropped) {
      dropped = true;
      problems?.push(`${where}: more than ${MAX_WORDS} words; the rest not read`);
    }
    bytes = [];
    inWord = false;
  };
  while (i < text.length) {
    const code = text.codePointAt(i) as number;
    const width = code > 0xffff ? 2 : 1;
    if (quote !== 0) {
      if (code === quote) quote = 0;
      else if (code === 92 /* \ */ && i + 1 < text.length) {
        i = unescapeOne(text, i + 1, bytes);
        continue;
      } else pushCodePoint(bytes, code);
    } else if (code === 34 || code === 39) {
      quote = code;
      inWord = true;
    } else if (code === 92 && i + 1 < text.length) {
      inWord = true;
      i = unescapeOne(text, i + 1, bytes);
      continue;
    } else if (code === 32 || code === 9 || code === 10 || code === 13) flush();
    else {
      pushCodePoint(bytes, code);
      inWord = true;
    }
    i += width;
  }
  if (quote !== 0) problems?.push(`${where}: a quote is not closed (systemd would not run this command)`);
  flush();
  return words;
}

interface Command {
  program?: string;
  argv: string[];
}

/** One ExecStart= value: prefixes, words, specifiers, then (unless `:`) variables in argv. */
function commandLine(
  value: string,
  resolve: (word: string, where: string) => string,
  env: ReadonlyMap<string, string>,
  problems: Problems,
): Command {
  let start = 0;
  let argv0Given = false;
  let substitute = true;
  // systemd.service(5): "-", "@", ":", "+", "!" and "!!" may precede the executable, in any order.
  for (; start < value.length; start++) {
    const c = value[start];
    if (c === '@') argv0Given = true;
    else if (c === ':') substitute = false;
    else if (c !== '-' && c !== '+' && c !== '!') break;
  }
  const words: string[] = [];
  let total = 0;
  for (const word of systemdWords(value.slice(start), problems, 'ExecStart=')) {
    const resolved = resolve(word, 'ExecStart=');
    total += resolved.length;
    if (total > MAX_ARGUMENT_BYTES) {
      problems.push(TOO_LONG);
      break;
    }
    words.push(resolved);
  }
  const [path, ...rest] = words;
  if (path === undefined) return { argv: [] };
  let argv = argv0Given ? rest : words;
  if (argv0Given && rest.length === 0) problems.push('ExecStart= starts with @ but gives no argv[0]');
  if (substitute) argv = substituteVariables(argv, env, problems);
  return { program: path, argv };
}

/** `$FOO` alone splits into words, `${FOO}` anywhere is replaced whole, `$$` is `$`; unknown variables are empty. */
function substituteVariables(argv: readonly string[], env: ReadonlyMap<string, string>, problems: Problems): string[] {
  const out: string[] = [];
  const unset = new Set<string>();
  // Each variable is split once, however many times it is used.
  const splits = new Map<string, string[]>();
  let total = 0;
  const add = (part: string): boolean => {
    total += part.length;
    if (total > MAX_ARGUMENT_BYTES || out.length >= MAX_WORDS) return false;
    out.push(part);
    return true;
  };
  outer: for (const word of argv) {
    if (word.length > 1 && word[0] === '$' && word[1] !== '{' && isVariableName(word, 1, word.length)) {
      const name = word.slice(1);
      const value = env.get(name);
      if (value === undefined) {
        unset.add(name);
        continue;
      }
      let parts = splits.get(name);
      if (parts === undefined) splits.set(name, (parts = systemdWords(value)));
      for (const part of parts) if (!add(part)) break outer;
      continue;
    }
    if (!add(replaceBraced(word, env, unset))) break;
  }
  if (total > MAX_ARGUMENT_BYTES) problems.push(TOO_LONG);
  if (unset.size > 0)
    problems.push(
      `ExecStart= uses ${[...unset]
        .slice(0, 8)
        .map((n) => `$${n}`)
        .join(
          ', ',
        )}, which neither the unit nor a file it reads sets (empty, unless the manager's own environment has it)`,
    );
  return out;
}

function replaceBraced(word: string, env: ReadonlyMap<string, string>, unset: Set<string>): string {
  if (!word.includes('$')) return word;
  let out = '';
  let i = 0;
  while (i < word.length) {
    const c = word[i];
    if (c === '$' && word[i + 1] === '$') {
      out += '$';
      i += 2;
    } else if (c === '$' && word[i + 1] === '{') {
      const close = word.indexOf('}', i + 2);
      if (close < 0) {
        out += word.slice(i);
        break;
      }
      const name = word.slice(i + 2, close);
      const value = env.get(name);
      if (value === undefined) unset.add(name);
      else out += value;
      i = close + 1;
    } else {
      out += c;
      i++;
    }
    if (out.length > MAX_WORD_LENGTH) return out.slice(0, MAX_WORD_LENGTH);
  }
  return out;
}

/** Environment= lines in order: `NAME=value` words, later wins, an empty line clears what came before. */
export function environmentOf(
  lines: readonly string[],
  resolve: (word: string, where: string) => string = (w) => w,
  problems: Problems = [],
): Map<string, string> {
  const env = new Map<string, string>();
  // The first word that is no assignment is named, and how many more there were: a problem each would be unbounded.
  let firstBad: string | undefined;
  let bad = 0;
  for (const line of lines) {
    if (line.trim() === '') {
      env.clear();
      continue;
    }
    for (const word of systemdWords(line, problems, 'Environment=')) {
      const eq = word.indexOf('=');
      if (eq <= 0 || !isVariableName(word, 0, eq)) {
        firstBad ??= word.slice(0, 64);
        bad++;
        continue;
      }
      const name = word.slice(0, eq);
      if (!env.has(name) && env.size >= MAX_VARIABLES) continue;
      env.set(name, resolve(word.slice(eq + 1), 'Environment='));
    }
  }
  if (firstBad !== undefined)
    problems.push(
      `Environment=: "${firstBad}" is not an assignment (systemd ignores it)${bad > 1 ? `, nor are ${bad - 1} more words` : ''}`,
    );
  return env;
}

/**
 * EnvironmentFile= values after the last empty one: absolute paths, a leading `-` (may be missing) dropped, a wildcard
 * expanded as systemd expands it (environment-glob.ts), when the reader can look at folders.
 */
function environmentFilesOf(
  lines: readonly string[],
  resolve: (word: string, where: string) => string,
  problems: Problems,
  expand: WildcardExpander | undefined,
): string[] {
  const paths: string[] = [];
  const add = (path: string): void => {
    if (paths.length < MAX_ENVIRONMENT_FILES) paths.push(path);
    else problems.push(`EnvironmentFile=: files past the first ${MAX_ENVIRONMENT_FILES} not read`);
  };
  for (const line of afterLastReset(lines)) {
    const path = resolve(line.startsWith('-') ? line.slice(1) : line, 'EnvironmentFile=');
    if (!path.startsWith('/')) problems.push(`EnvironmentFile= ${path.slice(0, 256)} is not an absolute path`);
    else if (!hasWildcard(path)) add(literal(path));
    else if (expand === undefined)
      problems.push(`EnvironmentFile= ${path.slice(0, 256)} is a wildcard, whose files are not read`);
    else {
      const expanded = expand(path);
      problems.push(...expanded.problems);
      expanded.paths.forEach(add);
    }
  }
  return paths;
}

/**
 * An EnvironmentFile= file (systemd.exec(5)): `NAME=value` lines; `#` and `;` lines, and lines with no `=`, ignored.
 * An unquoted value keeps its inner whitespace and takes a backslash-escaped character as itself; a '...' value is
 * verbatim; a "..." value takes an escaped `"`, backslash, backquote or `$` as itself and keeps other backslashes;
 * quoted values may span lines, and a backslash before a newline continues the line.
 */
export function parseEnvironmentFile(text: string): Map<string, string> {
  const env = new Map<string, string>();
  const n = text.length;
  let i = 0;
  const skipBlanks = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
  };
  const skipLine = (): void => {
    while (i < n && text[i] !== '\n') i++;
    i++;
  };
  while (i < n && env.size < MAX_VARIABLES) {
    skipBlanks();
    if (i >= n) break;
    if (text[i] === '\n') {
      i++;
      continue;
    }
    if (text[i] === '#' || text[i] === ';') {
      skipLine();
      continue;
    }
    const nameStart = i;
    while (i < n && text[i] !== '=' && text[i] !== '\n') i++;
    if (text[i] !== '=') {
      i++;
      continue;
    }
    let name = text.slice(nameStart, i).trim();
    if (name.startsWith('export ')) name = name.slice('export '.length).trim();
    i++;
    skipBlanks();
    let value = '';
    const quote = text[i];
    if (quote === "'" || quote === '"') {
      i++;
      while (i < n && text[i] !== quote && value.length <= MAX_WORD_LENGTH) {
        const next = text[i + 1];
        if (quote === '"' && text[i] === '\\' && next !== undefined) {
          if (next === '"' || next === '\\' || next === '`' || next === '$') value += next;
          else if (next !== '\n') value += `\\${next}`;
          i += 2;
        } else value += text[i++];
      }
      skipLine();
    } else {
      while (i < n && text[i] !== '\n' && value.length <= MAX_WORD_LENGTH) {
        const next = text[i + 1];
        if (text[i] === '\\' && next !== undefined) {
          if (next !== '\n') value += next;
          i += 2;
        } else value += text[i++];
      }
      value = value.trimEnd();
      skipLine();
    }
    if (isVariableName(name, 0, name.length)) env.set(name, value.slice(0, MAX_WORD_LENGTH));
  }
  return env;
}

function workingDirectory(
  service: Readonly<Record<string, string[]>>,
  manager: ServiceManager,
  resolve: (word: string, where: string) => string,
  userHome: string | undefined,
): string {
  const fallback = manager.system ? '/' : manager.home;
  let value = lastValue(service.WorkingDirectory);
  if (value === undefined || value === '') return fallback;
  if (value.startsWith('-')) value = value.slice(1);
  if (value === '~') return userHome ?? (manager.system ? ROOT_HOME : manager.home);
  const path = resolve(value, 'WorkingDirectory=');
  return path.startsWith('/') ? path : fallback;
}

/** `%x` replaced by its value; a specifier systemd has but this scan cannot know is kept as written, and named. */
function expandSpecifiers(
  word: string,
  values: ReadonlyMap<string, string>,
  where: string,
  problems: Problems,
): string {
  if (!word.includes('%')) return word;
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i] as string;
    if (c !== '%' || i + 1 >= word.length) {
      out += c;
      continue;
    }
    const key = word[++i] as string;
    const value = key === '%' ? '%' : values.get(key);
    if (value === undefined) {
      out += `%${key}`;
      problems.push(`${where} uses %${key}, which this scan does not resolve`);
    } else out += value;
    if (out.length > MAX_WORD_LENGTH) return out.slice(0, MAX_WORD_LENGTH);
  }
  return out;
}

/** systemd.unit(5) "Specifiers" that name a unit or a folder, for this unit and manager. */
function specifierValues(unitPath: string, manager: ServiceManager): Map<string, string> {
  const slash = unitPath.lastIndexOf('/');
  const name = unitPath.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const withoutSuffix = dot > 0 ? name.slice(0, dot) : name;
  const at = withoutSuffix.indexOf('@');
  const prefix = at >= 0 ? withoutSuffix.slice(0, at) : withoutSuffix;
  const instance = at >= 0 ? withoutSuffix.slice(at + 1) : '';
  const finalPart = prefix.slice(prefix.lastIndexOf('-') + 1);
  // A template's instance is known only when it runs (`x@a.service` from `x@.service`): %i, %I and %f are kept as
  // written, which is no problem of the template's.
  const template = at >= 0 && instance === '';
  const env = manager.system ? {} : manager.env;
  const xdg = (key: string, fallback: string): string => {
    const value = env[key];
    return value !== undefined && value.startsWith('/') ? value : fallback;
  };
  const temporary = (fallback: string): string =>
    [manager.env.TMPDIR, manager.env.TEMP, manager.env.TMP].find((v) => v?.startsWith('/') === true) ?? fallback;
  const home = manager.system ? ROOT_HOME : manager.home;
  const state = xdg('XDG_STATE_HOME', `${home}/.local/state`);
  return new Map([
    ['n', name],
    ['N', withoutSuffix],
    ['p', prefix],
    ['P', unescapeUnitName(prefix)],
    ['i', template ? '%i' : instance],
    ['I', template ? '%I' : unescapeUnitName(instance)],
    ['f', template ? '%f' : `/${unescapeUnitName(at >= 0 ? instance : prefix)}`],
    ['j', finalPart],
    ['J', unescapeUnitName(finalPart)],
    ['y', unitPath],
    ['Y', slash > 0 ? unitPath.slice(0, slash) : '/'],
    ['h', home],
    ['u', manager.system ? 'root' : manager.userName],
    ['U', String(manager.system ? 0 : manager.uid)],
    ['t', manager.system ? '/run' : xdg('XDG_RUNTIME_DIR', `/run/user/${manager.uid}`)],
    ['S', manager.system ? '/var/lib' : state],
    ['C', manager.system ? '/var/cache' : xdg('XDG_CACHE_HOME', `${home}/.cache`)],
    ['L', manager.system ? '/var/log' : `${state}/log`],
    ['E', manager.system ? '/etc' : xdg('XDG_CONFIG_HOME', `${home}/.config`)],
    ['D', manager.system ? '/usr/share' : xdg('XDG_DATA_HOME', `${home}/.local/share`)],
    ['T', temporary('/tmp')],
    ['V', temporary('/var/tmp')],
    ['H', manager.hostname],
    ['l', manager.hostname.split('.')[0] ?? manager.hostname],
  ]);
}

/** systemd.unit(5): in an escaped unit name `-` stands for `/` and `\xNN` for a byte. */
export function unescapeUnitName(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i) as number;
    if (c === 45) bytes.push(47);
    else if (c === 92 && text[i + 1] === 'x' && isHex(text, i + 2, 2)) {
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      pushCodePoint(bytes, c);
      if (c > 0xffff) i++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** One C-style escape starting after its backslash at `at`; returns where the text goes on. */
function unescapeOne(text: string, at: number, bytes: number[]): number {
  const c = text[at] as string;
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, s: 32 };
  if (Object.hasOwn(simple, c)) {
    bytes.push(simple[c] as number);
    return at + 1;
  }
  if (c === 'x' && isHex(text, at + 1, 2)) {
    bytes.push(parseInt(text.slice(at + 1, at + 3), 16));
    return at + 3;
  }
  if ((c === 'u' && isHex(text, at + 1, 4)) || (c === 'U' && isHex(text, at + 1, 8))) {
    const digits = c === 'u' ? 4 : 8;
    const code = parseInt(text.slice(at + 1, at + 1 + digits), 16);
    if (code <= 0x10ffff) pushCodePoint(bytes, code);
    return at + 1 + digits;
  }
  if (isOctal(text, at, 3)) {
    bytes.push(parseInt(text.slice(at, at + 3), 8) & 0xff);
    return at + 3;
  }
  // `\\`, `\"`, `\'`, and anything else systemd would reject: the character itself.
  const code = text.codePointAt(at) as number;
  pushCodePoint(bytes, code);
  return at + (code > 0xffff ? 2 : 1);
}

function pushCodePoint(bytes: number[], code: number): void {
  if (code < 0x80) bytes.push(code);
  else for (const b of Buffer.from(String.fromCodePoint(code), 'utf8')) bytes.push(b);
}

function isHex(text: string, at: number, count: number): boolean {
  if (at + count > text.length) return false;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function isOctal(text: string, at: number, count: number): boolean {
  if (at + count > text.length) return false;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 55) return false;
  }
  return true;
}

function isVariableName(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!letter && !(i > from && c >= 48 && c <= 57)) return false;
  }
  return true;
}

/** A list setting's values after its last empty one, which clears those before it (systemd.syntax(7)). */
export function afterLastReset(values: readonly string[]): string[] {
  return values.slice(values.lastIndexOf('') + 1);
}

function lastValue(values: readonly string[] | undefined): string | undefined {
  return values === undefined || values.length === 0 ? undefined : values[values.length - 1];
}
