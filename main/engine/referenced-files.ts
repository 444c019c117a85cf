// Which small files a launch item's arguments name: configuration after `-c`, `--config`, `--config=`,
// and the script an interpreter is asked to run. Miners keep their pool in such files. The readers
// (and the collector) copy exactly these, so capture and live see the same.
import { createHash } from 'node:crypto';
import { basename, expandHome, isInterpreter, isShell, isShellCommandOption, splitShellCommands } from './shell-words';

/** The argv lists a launch item runs: its own, and the commands inside `sh -c "<string>"`. */
export function commandLines(argv: string[]): string[][] {
  const lines: string[][] = [argv];
  const [program = ''] = argv;
  if (isShell(program)) {
    const index = argv.findIndex((a, i) => i > 0 && isShellCommandOption(a));
    const command = index > 0 ? argv[index + 1] : undefined;
    if (command !== undefined) for (const inner of splitShellCommands(command)) lines.push(...commandLines(inner));
  } else if (basename(program) === 'env') {
    let i = 1;
    while (i < argv.length && /^(-|[A-Za-z_][A-Za-z0-9_]*=)/.test(argv[i] as string)) i++;
    if (i < argv.length) lines.push(...commandLines(argv.slice(i)));
  }
  return lines;
}

export function filesNamedBy(argv: string[], home: string | undefined): string[] {
  const found = new Set<string>();
  for (const line of commandLines(argv)) {
    const [program = ''] = line;
    const shell = isShell(program);
    for (let i = 1; i < line.length; i++) {
      const arg = line[i] as string;
      if (arg.startsWith('--config=')) found.add(arg.slice('--config='.length));
      else if ((arg === '--config' || (arg === '-c' && !shell)) && line[i + 1] !== undefined)
        found.add(line[i + 1] as string);
    }
    if (isInterpreter(program) && basename(program) !== 'env') {
      const script = scriptArgument(line);
      if (script !== undefined) found.add(script);
    }
  }
  return [...found].map((p) => expandHome(p, home)).filter((p) => p.startsWith('/'));
}

/** The first operand of an interpreter that is a file to run, if any (`sh -c` and `osascript -e` run text instead). */
function scriptArgument(line: string[]): string | undefined {
  const program = basename(line[0] ?? '');
  for (let i = 1; i < line.length; i++) {
    const arg = line[i] as string;
    if (arg === '--') return line[i + 1];
    if (!arg.startsWith('-')) return arg;
    if (isShellCommandOption(arg) && isShell(program)) return undefined;
    if (program === 'osascript' && (arg === '-e' || arg === '-l' || arg === '-s')) {
      if (arg === '-e') return undefined;
      i++;
    }
    if (/^python/.test(program) && (arg === '-c' || arg === '-m')) return undefined;
    if (/^(perl|ruby|node|php)/.test(program) && (arg === '-e' || arg === '-E')) return undefined;
  }
  return undefined;
}

/** One digest over the files an item's arguments name, so an approval notices an edited script or config. */
export function referencedFilesDigest(
  argv: string[],
  home: string | undefined,
  files: Map<string, string>,
): string | undefined {
  const present = filesNamedBy(argv, home)
    .filter((p) => files.has(p))
    .sort();
  if (present.length === 0) return undefined;
  const hash = createHash('sha256');
  for (const path of present)
    hash
      .update(path)
      .update('\u0000')
      .update(files.get(path) as string)
      .update('\u0000');
  return hash.digest('hex');
}
