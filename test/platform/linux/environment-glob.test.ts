// glob(3) as systemd uses it for EnvironmentFile= (flags 0): what a name matches, and the paths a pattern gives, in
// its order, within bounds. The patterns and folders are the attacker's.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  expandWildcard,
  hasWildcard,
  literal,
  MAX_MATCHES,
  nameMatches,
  type FolderAccess,
} from '../../../main/platform/linux/environment-glob';

/** A file system of folders (paths ending in `/`) and files, as FolderAccess sees it. */
function tree(paths: string[], more: Set<string> = new Set()): FolderAccess {
  const all = new Set(paths.map((p) => (p.endsWith('/') ? p.slice(0, -1) : p)));
  const folders = new Set(paths.filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1)));
  for (const path of all)
    for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) folders.add(path.slice(0, at));
  folders.add('');
  return {
    list(folder, max) {
      const key = folder === '/' ? '' : folder;
      if (!folders.has(key)) return undefined;
      const names = [
        ...new Set(
          [...all, ...folders]
            .filter((p) => p.startsWith(`${key}/`))
            .map((p) => p.slice(key.length + 1).split('/')[0] as string),
        ),
      ];
      return { names: names.slice(0, max), more: more.has(folder) || names.length > max };
    },
    isFolder: (path) => folders.has(path),
    exists: (path) => all.has(path) || folders.has(path),
  };
}

describe('nameMatches (fnmatch(3) as glob(3) uses it)', () => {
  it.each([
    ['*.env', 'a.env', true],
    ['*.env', 'a.env.bak', false],
    ['?.env', 'ab.env', false],
    ['[ab]*', 'b1', true],
    ['[!ab]*', 'b1', false],
    ['[^ab]*', 'c1', true],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['[]a]', ']', true],
    ['[a-]', '-', true],
    ['[[:digit:]]*', '7z', true],
    ['[[:alpha:]]*', '7z', false],
    ['x[', 'x[', true],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['*', '.hidden', false],
    ['.*', '.hidden', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbYd', false],
  ])('%s against %s: %s', (pattern, name, expected) => {
    expect(nameMatches(pattern, name)).toBe(expected);
  });

  // glob(3) and the shell's `case` read patterns by the same rules (POSIX XCU 2.13.1, "Patterns Matching a Single
  // Character" and "Multiple Characters"); glob adds only its rules for a leading dot and for slashes, which names
  // here have neither of. sh (dash here, bash as macOS's /bin/sh) is the implementation at hand to agree with. `[^`
  // is left out: POSIX leaves it unspecified, and glibc's fnmatch (as bash) negates with it where dash does not.
  it('agrees with the shell on 5,000 seeded random patterns and names', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = (from: string | string[]): string => from[Math.floor(random() * from.length)] as string;
    const cases: [string, string][] = [];
    // Patterns made of pieces a bracket expression is made of too (a leading `]`, ranges, `!`, classes), so that
    // brackets are common, and names from the characters those pieces name.
    const bracket = (): string => {
      let inside = random() < 0.3 ? '!' : '';
      if (random() < 0.15) inside += ']';
      for (let items = 1 + Math.floor(random() * 3); items > 0; items--) {
        const r = random();
        inside +=
          r < 0.3 ? `${pick('ab-1')}-${pick('ab]1')}` : r < 0.4 ? pick(['[:alpha:]', '[:digit:]']) : pick('ab-1\\');
      }
      return `[${inside}${random() < 0.9 ? ']' : ''}`;
    };
    while (cases.length < 5000) {
      let pattern = '';
      for (let pieces = 1 + Math.floor(random() * 4); pieces > 0; pieces--) {
        const r = random();
        pattern += r < 0.35 ? bracket() : r < 0.55 ? '*' : r < 0.65 ? '?' : pick('ab-]1\\');
      }
      let name = '';
      for (let length = 1 + Math.floor(random() * 4); name.length < length;) name += pick('ab-]1[\\');
      cases.push([pattern, name]);
    }
    const input = cases.map(([pattern, name]) => `${pattern}\t${name}\n`).join('');
    const script = `while IFS='\t' read -r p n; do case $n in $p) echo 1 ;; *) echo 0 ;; esac; done`;
    const shell = execFileSync('sh', ['-c', script], { input }).toString().trim().split('\n');
    const ours = cases.map(([pattern, name]) => (nameMatches(pattern, name) ? '1' : '0'));
    expect(cases.filter((_, i) => ours[i] !== shell[i])).toEqual([]);
    // Enough of them match for the agreement to say something.
    expect(ours.filter((o) => o === '1').length).toBeGreaterThan(100);
  });

  it('many stars against a long name that almost matches: answered (a search over the stars would not end)', () => {
    expect(nameMatches(`${'*a'.repeat(100)}b`, 'a'.repeat(255))).toBe(false);
  });

  it('an escaped wildcard is not one, and reads as the name it escapes', () => {
    expect(hasWildcard('/etc/x\\*.env')).toBe(false);
    expect(hasWildcard('/etc/x*.env')).toBe(true);
    expect(literal('/etc/x\\*.env')).toBe('/etc/x*.env');
  });
});

describe('expandWildcard', () => {
  it('every match in byte order of the whole path, across folders, as glob(3) sorts once at the end', () => {
    const access = tree(['/e/a/z.env', '/e/a-x/a.env', '/e/b/m.env', '/e/b/n.txt', '/e/c.env']);
    // '-' sorts before '/', so /e/a-x/... comes before /e/a/...
    expect(expandWildcard('/e/*/*.env', access)).toEqual({
      paths: ['/e/a-x/a.env', '/e/a/z.env', '/e/b/m.env'],
      problems: [],
    });
  });

  it('goes only into folders; a literal last part only when it is there; a folder it cannot list gives nothing', () => {
    const access = tree(['/e/file.env', '/e/d/x.env', '/e/d/', '/e/q/']);
    expect(expandWildcard('/e/*/x.env', access).paths).toEqual(['/e/d/x.env']);
    expect(expandWildcard('/nowhere/*.env', access)).toEqual({ paths: [], problems: [] });
  });

  // One star before a long text: each place the star could end is tried against the whole text, names × pattern steps.
  it('a pattern costly to match over a folder of long names stops, named, within its steps of matching', () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `/e/${'a'.repeat(240)}${i}`);
    const out = expandWildcard(`/e/*${'a'.repeat(120)}b`, tree(names));
    expect(out.paths).toEqual([]);
    expect(out.problems).toEqual([
      `EnvironmentFile= /e/*${'a'.repeat(120)}b: too costly to match against /e; the rest not read`,
    ]);
  });

  it('a bracket of many ranges is charged for each: the same bound stops it', () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `/e/${'a'.repeat(200)}${i}`);
    const pattern = `/e/*[${'b-b'.repeat(1000)}]`;
    expect(expandWildcard(pattern, tree(names)).problems).toEqual([
      `EnvironmentFile= ${pattern.slice(0, 256)}: too costly to match against /e; the rest not read`,
    ]);
  });

  it('bounds: matches past the first 16, a folder past 10,000 names, and a class it does not know are named', () => {
    const many = Array.from({ length: 40 }, (_, i) => `/e/${String(i).padStart(2, '0')}.env`);
    const out = expandWildcard('/e/*.env', tree(many));
    expect(out.paths).toEqual(many.slice(0, MAX_MATCHES));
    expect(out.problems).toEqual([`EnvironmentFile= /e/*.env matches 40 files; the first ${MAX_MATCHES} were read`]);
    expect(expandWildcard('/e/*.env', tree(many, new Set(['/e']))).problems).toContain(
      'EnvironmentFile= /e/*.env: /e has more than 10000 names; the rest not read',
    );
    expect(expandWildcard('/e/[[:blank:]]*', tree(many))).toEqual({
      paths: [],
      problems: [
        'EnvironmentFile= /e/[[:blank:]]*: [:blank:] is a character class this reader does not know, so its files are not read',
      ],
    });
  });
});
