// EnvironmentFile= may be a wildcard (systemd.exec(5): "an absolute filename or wildcard expression"), which systemd
// expands with glob(3), flags 0, and reads every match in the order glob gives, later files winning
// (src/core/exec-invoke.c, exec_context_load_environment: "Filename supports globbing, take all matching files").
// glob(3) with flags 0: `*`, `?` and `[...]` in any part of the path, a backslash escaping the next character, a
// leading `.` of a name matched only by a `.` written there, only folders descended into, matches sorted (strcoll in
// the C locale systemd runs with: byte order). The pattern and the folders are the attacker's: matching a name takes
// at most its length times the pattern's steps (one star remembered, never a search over every star), each step
// charged what it costs, and steps, folders listed, names read and matches kept are bounded.

/** As systemd's own bound on EnvironmentFile= files a unit reads (systemd-exec.ts, MAX_ENVIRONMENT_FILES). */
export const MAX_MATCHES = 16;
/** Folders listed for one pattern, and names read from each: more is no unit's configuration. */
const MAX_FOLDERS = 64;
const MAX_NAMES_PER_FOLDER = 10_000;
/** Paths kept between one part of a pattern and the next. */
const MAX_CANDIDATES = 1024;
/**
 * Steps of matching for one pattern: a name costs at most its length times the pattern's, so ten thousand names
 * against a long pattern of stars could take billions; real patterns over real folders take thousands.
 */
const MAX_MATCH_STEPS = 5_000_000;

/** A part of a pattern's name: a character, `?`, `*`, or a bracket expression. */
type Token =
  | { kind: 'char'; char: string }
  | { kind: 'one' }
  | { kind: 'star' }
  | { kind: 'set'; negated: boolean; matches: (char: string) => boolean; cost: number };

/** POSIX classes glob(3) knows inside brackets, for the characters a file name has. */
const CLASSES: Record<string, (c: string) => boolean> = {
  alpha: (c) => /^[A-Za-z]$/.test(c),
  digit: (c) => /^[0-9]$/.test(c),
  alnum: (c) => /^[A-Za-z0-9]$/.test(c),
  upper: (c) => /^[A-Z]$/.test(c),
  lower: (c) => /^[a-z]$/.test(c),
  space: (c) => /^\s$/.test(c),
  xdigit: (c) => /^[0-9A-Fa-f]$/.test(c),
  punct: (c) => /^[!-/:-@[-`{-~]$/.test(c),
};

/** A wildcard character not escaped by a backslash: the pattern is expanded, not read as a name. */
export function hasWildcard(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** One name's pattern as tokens; a `[` with no `]` after it is a plain character, as fnmatch(3) takes it. */
function tokensOf(pattern: string): Token[] | { problem: string } {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) tokens.push({ kind: 'char', char: pattern[++i] as string });
    else if (c === '?') tokens.push({ kind: 'one' });
    else if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '[') {
      const set = bracketAt(pattern, i + 1);
      if ('problem' in set) return set;
      if (set.end === undefined) tokens.push({ kind: 'char', char: '[' });
      else {
        tokens.push(set.token);
        i = set.end;
      }
    } else tokens.push({ kind: 'char', char: c });
  }
  return tokens;
}

/** The bracket expression opened just before `from`: its token and the index of its `]`, or no `]` at all. */
function bracketAt(
  pattern: string,
  from: number,
): { token: Token; end: number } | { token?: undefined; end: undefined } | { problem: string } {
  let i = from;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  const singles = new Set<string>();
  const ranges: [string, string][] = [];
  const classes: ((c: string) => boolean)[] = [];
  for (let first = true; i < pattern.length; i++, first = false) {
    let c = pattern[i] as string;
    if (c === ']' && !first) {
      const matches = (char: string): boolean =>
        singles.has(char) || ranges.some(([a, b]) => a <= char && char <= b) || classes.some((is) => is(char));
      // Ranges and classes are looked at one by one: a bracket of a thousand ranges costs a thousand steps a character.
      return { token: { kind: 'set', negated, matches, cost: 1 + ranges.length + classes.length }, end: i };
    }
    if (c === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      if (close < 0) return { end: undefined };
      const name = pattern.slice(i + 2, close);
      const is = CLASSES[name];
      if (!is) return { problem: `[:${name.slice(0, 32)}:] is a character class this reader does not know` };
      classes.push(is);
      i = close + 1;
      continue;
    }
    if (c === '\\' && i + 1 < pattern.length) c = pattern[++i] as string;
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      let to = pattern[i + 2] as string;
      i += 2;
      if (to === '\\' && i + 1 < pattern.length) to = pattern[++i] as string;
      ranges.push([c, to]);
    } else singles.add(c);
  }
  return { end: undefined };
}

/**
 * Whether `name` matches the tokens: the usual one-star backtracking (on a mismatch, the last star takes one more
 * character and matching goes on from there), which is at most names × pattern steps whatever the stars.
 */
function matches(tokens: Token[], name: string, budget: { steps: number } = { steps: Infinity }): boolean {
  // glob(3) without GLOB_PERIOD: a name's leading dot is matched only by a dot written there.
  if (name.startsWith('.') && !(tokens[0]?.kind === 'char' && tokens[0].char === '.')) return false;
  let t = 0;
  let n = 0;
  let starAt = -1;
  let starTook = 0;
  while (n < name.length) {
    const token = tokens[t];
    budget.steps -= token?.kind === 'set' ? token.cost : 1;
    if (budget.steps < 0) return false;
    const c = name[n] as string;
    if (token?.kind === 'star') {
      starAt = t++;
      starTook = n;
      continue;
    }
    if (
      token !== undefined &&
      (token.kind === 'one' ||
        (token.kind === 'char' && token.char === c) ||
        (token.kind === 'set' && token.matches(c) !== token.negated))
    ) {
      t++;
      n++;
      continue;
    }
    if (starAt < 0) return false;
    t = starAt + 1;
    n = ++starTook;
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

/** Whether a name matches one part of a pattern (exported for tests; the pattern part has no `/`). */
export function nameMatches(pattern: string, name: string): boolean {
  const tokens = tokensOf(pattern);
  return !('problem' in tokens) && matches(tokens, name);
}

export interface FolderAccess {
  /** The names in a folder, at most `max` of them, and whether there were more; undefined when it cannot be listed. */
  list(folder: string, max: number): { names: string[]; more: boolean } | undefined;
  /** Whether the path is a folder (a link to one counts, as glob(3) follows links). */
  isFolder(path: string): boolean;
  /** Whether anything is at the path (a link is followed). */
  exists(path: string): boolean;
}

/** Byte order of the names as UTF-8 (strcoll in the C locale). */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Backslash escapes taken out of a path with no wildcard: the name glob(3) reads it as. */
export function literal(part: string): string {
  let out = '';
  for (let i = 0; i < part.length; i++) out += part[i] === '\\' && i + 1 < part.length ? part[++i] : part[i];
  return out;
}

/**
 * Every path an absolute wildcard matches, as glob(3) orders them, at most MAX_MATCHES; what was not looked at is
 * said. A part with no wildcard is taken as written (a last one only when it exists, as glob(3) checks it).
 */
export function expandWildcard(pattern: string, access: FolderAccess): { paths: string[]; problems: string[] } {
  const problems: string[] = [];
  const shown = pattern.slice(0, 256);
  const parts = pattern.split('/').filter((part) => part !== '');
  let candidates = ['/'];
  let listed = 0;
  const budget = { steps: MAX_MATCH_STEPS };
  for (const [index, part] of parts.entries()) {
    const last = index === parts.length - 1;
    const next: string[] = [];
    const tokens = hasWildcard(part) ? tokensOf(part) : undefined;
    if (tokens !== undefined && 'problem' in tokens) {
      problems.push(`EnvironmentFile= ${shown}: ${tokens.problem}, so its files are not read`);
      return { paths: [], problems };
    }
    for (const base of candidates) {
      const join = (name: string): string => (base === '/' ? `/${name}` : `${base}/${name}`);
      if (tokens === undefined) {
        const path = join(literal(part));
        if (last ? access.exists(path) : access.isFolder(path)) next.push(path);
        continue;
      }
      if (listed >= MAX_FOLDERS) {
        problems.push(`EnvironmentFile= ${shown}: more than ${MAX_FOLDERS} folders to look in; the rest not read`);
        break;
      }
      listed++;
      const listing = access.list(base, MAX_NAMES_PER_FOLDER);
      if (listing === undefined) continue;
      if (listing.more)
        problems.push(
          `EnvironmentFile= ${shown}: ${base} has more than ${MAX_NAMES_PER_FOLDER} names; the rest not read`,
        );
      for (const name of listing.names) {
        if (!matches(tokens, name, budget)) {
          if (budget.steps >= 0) continue;
          problems.push(`EnvironmentFile= ${shown}: too costly to match against ${base}; the rest not read`);
          break;
        }
        const path = join(name);
        if (next.length >= MAX_CANDIDATES) {
          problems.push(`EnvironmentFile= ${shown}: more than ${MAX_CANDIDATES} matches; the rest not read`);
          break;
        }
        if (last || access.isFolder(path)) next.push(path);
      }
    }
    candidates = next;
    if (candidates.length === 0) break;
  }
  // glob(3) sorts the whole list once, at the end, by the full paths.
  const paths = candidates.sort(byteOrder);
  if (paths.length > MAX_MATCHES)
    problems.push(`EnvironmentFile= ${shown} matches ${paths.length} files; the first ${MAX_MATCHES} were read`);
  return { paths: paths.slice(0, MAX_MATCHES), problems };
}
