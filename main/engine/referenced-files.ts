// Which small files a launch item's arguments name: configuration after `-c`, `--config`, `--config=`,
// and the script an interpreter is asked to run. Miners keep their pool in such files. The readers
// (and the collector) copy exactly these, so capture and live see the same.
import { createHash } from 'node:crypto';
import { decodedShellText, readInterpreterCode } from './encoded-commands';
import { posix } from 'node:path';
import { scriptCommands } from './script-lines';
import { addLiteralAssignments, MAX_SUBSTITUTED, withVariables } from './shell-variables';
import {
  basename,
  expandHome,
  isAssignment,
  isCodeInterpreter,
  isInterpreter,
  isShell,
  isShellCommandOption,
  splitShellCommands,
} from './shell-words';

/**
 * Far more command lines than any launch item holds: past this, unwrapping `sh -c` and `env` stops. The
 * first line is the whole argv, so every word is still searched as text for URLs, pools and wallets.
 */
const MAX_COMMAND_LINES = 10_000;

/**
 * The argv lists a launch item runs: its own, the commands inside `sh -c "<string>"`, and what `env`
 * runs, each in the order a shell would meet them. Unwrapped with a stack, not recursion: arguments
 * are the attacker's, and `env env env ... xmrig` 50,000 deep fits in a plist.
 */
export function commandLines(argv: string[], bounds?: ReadingBounds): string[][] {
  const lines: string[][] = [];
  const unread = (what: string): void => {
    if (bounds && bounds.unread === undefined) bounds.unread = what;
  };
  const pending: string[][] = [argv];
  // A text found inside another (decoded, or a string in code) is read once as each kind of code: one handed to a
  // shell by code that decodes it is read both as that code and as a shell command, and without this each reading
  // would decode the next level again (twice as many lines at every level of nesting).
  const readOnce = new Set<string>();
  const readInner = (into: string[][], innerLine: string[]): void => {
    const key = `${innerLine[0]}\u0000${innerLine[2]}`;
    if (readOnce.has(key)) return;
    readOnce.add(key);
    into.push(innerLine);
  };
  while (pending.length > 0 && lines.length < MAX_COMMAND_LINES) {
    const line = pending.pop() as string[];
    lines.push(line);
    const inner: string[][] = [];
    const [program = ''] = line;
    if (isShell(program)) {
      const command = shellCommandOf(line);
      if (command !== undefined) {
        for (const words of splitShellCommands(command)) inner.push(words);
        // What it decodes is a command string of its own (encoded-commands.ts), read as a shell reads one, so what
        // it decodes in turn is read too.
        const decoded = decodedShellText(command);
        if (decoded.unread !== undefined) unread(`a shell command with ${decoded.unread}`);
        for (const text of decoded.texts) readInner(inner, ['/bin/sh', '-c', text]);
      }
    } else if (basename(program) === 'env') {
      const start = afterEnv(line);
      if (start < line.length) inner.push(line.slice(start));
    } else if (isCodeInterpreter(program)) {
      // What an interpreter's code decodes is code of its own (read again, so nested payloads are too), and a shell
      // command when the code hands it to a shell; so are the strings such code spells out, and the lists of strings
      // it gives a program it starts are command lines.
      const { decoded, shellStrings, argvLists } = readInterpreterCode(interpreterCodeText(line));
      if (decoded.unread !== undefined) unread(`${basename(program)} code with ${decoded.unread}`);
      for (const text of decoded.texts) {
        readInner(inner, [program, codeOption(program), text]);
        if (decoded.shell) readInner(inner, ['/bin/sh', '-c', text]);
      }
      for (const text of shellStrings) readInner(inner, ['/bin/sh', '-c', text]);
      inner.push(...argvLists);
    }
    for (let i = inner.length - 1; i >= 0; i--) pending.push(inner[i] as string[]);
  }
  if (pending.length > 0) unread(`more than ${MAX_COMMAND_LINES.toLocaleString('en')} command lines`);
  return lines;
}

/** Filled in by a reader that stopped at a bound: what it did not read (the item is then looked at harder). */
export interface ReadingBounds {
  unread?: string;
}

/**
 * What a shell script decodes, command by command (`echo <base64> | base64 -d | sh` in the script a plist runs hides as
 * well as in the plist): each text a command decodes as a `sh -c` line, once, at most MAX_COMMAND_LINES in all; `runs`
 * when a command runs what it decodes. A command as the shell reads it (script-lines.ts: a pipeline or a quoted
 * string over lines, a here-document with its body), not the whole script at once: decoys in a long script do not use
 * up the bounds of the command that holds the payload.
 */
export function decodedScriptLines(text: string): { lines: string[][]; runs: boolean; unread?: string } {
  const texts = new Set<string>();
  let runs = false;
  let unread: string | undefined;
  const variables = new Map<string, string>();
  const substitution: { left: number; cut?: boolean } = { left: MAX_SUBSTITUTED };
  const read = (command: string, whole: boolean): void => {
    const decoded = decodedShellText(withVariables(command, variables, substitution));
    if (decoded.runs) runs = true;
    // A line of a command read alone lacks the rest by design (a here-document's opening line, its data); what the
    // command could not read is said by the command.
    if (whole) unread ??= decoded.unread !== undefined ? `a line with ${decoded.unread}` : undefined;
    for (const inner of decoded.texts) {
      if (texts.size >= MAX_COMMAND_LINES)
        unread ??= `more than ${MAX_COMMAND_LINES.toLocaleString('en')} decoded texts`;
      else texts.add(inner);
    }
  };
  for (const command of scriptCommands(text)) {
    if (texts.size >= MAX_COMMAND_LINES) {
      unread ??= `more than ${MAX_COMMAND_LINES.toLocaleString('en')} decoded texts`;
      break;
    }
    // A payload or key set in a variable on an earlier line is put in where this one uses it (shell-variables.ts).
    read(command, true);
    // A command over lines (a quote or a here-document held open) is read line by line too, as this read before:
    // where this reader and the shell part ways on a quote (`x="$(echo '"')"` holds no open quote for the shell),
    // the lines are what the shell runs, and decoys joined to a payload must not use up the one command's bounds.
    if (command.includes('\n')) for (const line of command.split('\n')) read(line, false);
    addLiteralAssignments(command, variables);
  }
  if (substitution.cut) unread ??= 'more text in variables than is put in where they are used';
  const lines = [...texts].map((inner) => ['/bin/sh', '-c', inner]);
  return unread !== undefined ? { lines, runs, unread } : { lines, runs };
}

/**
 * The interpreter that runs a script, when its first line (`#!/usr/bin/env python3`) or its name (`.py`) says it is
 * one with code of its own (not a shell): its code is then read as that interpreter's (readInterpreterCode).
 */
export function scriptInterpreter(path: string, text: string): string | undefined {
  const words = shebangWords(text);
  if (words !== undefined) {
    const program =
      basename(words[0] ?? '') === 'env'
        ? words.find((w, i) => i > 0 && !w.startsWith('-') && !isAssignment(w))
        : words[0];
    return program !== undefined && isCodeInterpreter(program) ? program : undefined;
  }
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? INTERPRETER_OF_EXTENSION.get(path.slice(dot + 1).toLowerCase()) : undefined;
}

/**
 * The words of a script's `#!` line (`#!/usr/bin/env python3` -> /usr/bin/env, python3), or undefined when it has
 * none: what the kernel runs with the script's path after them when the script itself is executed (execve(2),
 * "Interpreter scripts"). Split at spaces and tabs: kernels differ on whether what follows the interpreter is one
 * argument or several, but the interpreter comes first and the script's path after its options either way. A line
 * ending in CR is read without it (such a script fails to start, "bad interpreter"; it is read all the same).
 */
export function shebangWords(text: string): string[] | undefined {
  if (!text.startsWith('#!')) return undefined;
  const newline = text.indexOf('\n');
  let line = text.slice(2, Math.min(newline < 0 ? text.length : newline, MAX_SHEBANG_LENGTH));
  if (line.endsWith('\r')) line = line.slice(0, -1);
  return line
    .split(' ')
    .flatMap((w) => w.split('\t'))
    .filter((w) => w !== '');
}

/** The kernel reads this much of a `#!` line (BINPRM_BUF_SIZE in Linux is 256; macOS's is 512). */
const MAX_SHEBANG_LENGTH = 512;
const INTERPRETER_OF_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['py', 'python3'],
  ['pl', 'perl'],
  ['rb', 'ruby'],
  ['js', 'node'],
  ['mjs', 'node'],
  ['php', 'php'],
  ['applescript', 'osascript'],
]);

/** An interpreter's arguments read as one text: its code is among them, whichever option gave it. */
export function interpreterCodeText(line: readonly string[]): string {
  return line.slice(1).join('\n');
}

/** The option that gives an interpreter its code on the command line. */
function codeOption(program: string): string {
  const name = basename(program);
  if (name.startsWith('python')) return '-c';
  if (name.startsWith('php')) return '-r';
  return '-e';
}

/** The command string a shell line is given with `-c` (or `-lc`, ...), if any. */
export function shellCommandOf(line: readonly string[]): string | undefined {
  if (!isShell(line[0] ?? '')) return undefined;
  const index = line.findIndex((a, i) => i > 0 && isShellCommandOption(a));
  return index > 0 ? line[index + 1] : undefined;
}

/** Where the command `env` runs begins: past env, its options and NAME=value words, and any env after them. */
function afterEnv(line: string[]): number {
  let i = 0;
  while (i < line.length && basename(line[i] as string) === 'env') {
    i++;
    while (i < line.length && ((line[i] as string).startsWith('-') || isAssignment(line[i] as string))) i++;
  }
  return i;
}

/** Past this many places a job may be in (its WorkingDirectory and the folders it `cd`s to), the rest are not tried. */
const MAX_WORKING_DIRECTORIES = 8;
/** Past this many relative names, the rest are not looked for (each is tried in every working directory). */
const MAX_RELATIVE_NAMES = 256;

/**
 * The folders a job's relative paths may be in: where launchd starts it (`workingDirectory`: the plist's
 * WorkingDirectory, chdir(2)'d to before the job runs, launchd.plist(5); else `/`, launchd's own), and each folder
 * its commands `cd` to. Every one is tried: a relative `-c config.json` is looked for in all of them, rather than
 * guessing which `cd` a shell had made by then.
 */
export function workingDirectories(
  argv: string[],
  home: string | undefined,
  workingDirectory: StartingFolders = '/',
): string[] {
  const dirs = typeof workingDirectory === 'string' ? [workingDirectory] : startingFolders(workingDirectory);
  for (const line of commandLines(argv)) {
    if (dirs.length >= MAX_WORKING_DIRECTORIES) break;
    if (basename(line[0] ?? '') !== 'cd') continue;
    const target = line.slice(1).find((word) => !word.startsWith('-'));
    if (target === undefined) continue;
    const expanded = expandHome(target, home);
    if (expanded.startsWith('~') || expanded.startsWith('$')) continue;
    // A relative `cd` goes on from wherever the job may be by then: from each folder found so far.
    for (const from of expanded.startsWith('/') ? ['/'] : [...dirs]) {
      const dir = posix.resolve(from, expanded);
      if (!dirs.includes(dir) && dirs.length < MAX_WORKING_DIRECTORIES) dirs.push(dir);
    }
  }
  return dirs;
}

/**
 * Where a command starts: one folder (a job's working directory), or each folder the command that ran it may have
 * been in (a script run by a script after a `cd`, in the folders workingDirectories gave that script).
 */
export type StartingFolders = string | readonly string[];

function startingFolders(folders: readonly string[]): string[] {
  const dirs = [...new Set(folders)].slice(0, MAX_WORKING_DIRECTORIES);
  return dirs.length > 0 ? dirs : ['/'];
}

/**
 * Absolute paths for the names found: `~` expanded with `home`, a relative name tried in each working directory. A
 * relative name with a space or that starts with `-` is taken for a word, not a file (`env ... sh -c "x -c y"` puts a
 * whole command after a `-c`).
 */
function resolveNames(names: Iterable<string>, dirs: string[], home: string | undefined): string[] {
  const paths = new Set<string>();
  let relative = 0;
  for (const name of names) {
    const path = expandHome(name, home);
    if (path.startsWith('/')) paths.add(path);
    else if (looksLikeRelativeFile(path) && relative++ < MAX_RELATIVE_NAMES)
      for (const dir of dirs) paths.add(posix.join(dir, path));
  }
  return [...paths];
}

function looksLikeRelativeFile(name: string): boolean {
  if (name === '' || name.startsWith('~') || name.startsWith('$') || name.startsWith('-')) return false;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) <= 32) return false;
  return true;
}

export function filesNamedBy(argv: string[], home: string | undefined, workingDirectory?: StartingFolders): string[] {
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
  return resolveNames(found, workingDirectories(argv, home, workingDirectory), home);
}

/**
 * The files a script the job runs names in its own commands (`cd ~/.k && ./kworker --config c.json` in run.sh; a
 * Python script's os.system(...) or Popen([...])), read as what runs it reads it (scriptInterpreter, else a shell),
 * what its lines decode included: a config moved from the plist into its script is the item's all the same. The files
 * those name are read in turn by the callers, to the bounds of script-chain.ts.
 */
export function filesNamedByScript(
  path: string,
  text: string,
  home: string | undefined,
  workingDirectory?: StartingFolders,
): string[] {
  const interpreter = scriptInterpreter(path, text);
  const named = filesNamedBy(scriptArgv(path, text), home, workingDirectory);
  if (interpreter !== undefined) return named;
  // Line by line too: a pipeline that decodes is one line (decodedScriptLines).
  const decoded = decodedScriptLines(text).lines.flatMap((line) => filesNamedBy(line, home, workingDirectory));
  return [...new Set([...named, ...decoded])];
}

/** A script's text as the command line that runs it: its interpreter's code option (scriptInterpreter), else `sh -c`. */
export function scriptArgv(path: string, text: string): string[] {
  const interpreter = scriptInterpreter(path, text);
  return interpreter !== undefined ? [interpreter, codeOption(interpreter), text] : ['/bin/sh', '-c', text];
}

/** The scripts a shell is handed to run (`sh /path/start.sh`): their lines are commands the item starts. */
export function shellScriptsRunBy(
  argv: string[],
  home: string | undefined,
  workingDirectory?: StartingFolders,
): string[] {
  const found = new Set<string>();
  for (const line of commandLines(argv)) {
    if (!isShell(line[0] ?? '')) continue;
    const script = scriptArgument(line);
    if (script !== undefined) found.add(script);
  }
  return resolveNames(found, workingDirectories(argv, home, workingDirectory), home);
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
    if (/^php/.test(program) && arg === '-r') return undefined;
  }
  return undefined;
}

/**
 * One digest over the files an item's arguments name (`named`, from filesNamedBy) that were read, so an approval
 * notices an edited script or config.
 */
export function referencedFilesDigest(named: string[], files: Map<string, string>): string | undefined {
  const present = named.filter((p) => files.has(p)).sort();
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

/** scriptNamedFilesDigest of no files: what an item whose scripts name nothing has. */
export const NO_SCRIPT_NAMED_FILES = createHash('sha256').digest('hex');

/**
 * One digest over the files an item's scripts name beyond what its arguments name (`named`), read or not: a file
 * that appears or goes changes it as an edit does, so an approval made while a script's config was absent or
 * unreadable does not vouch for whatever is put there later.
 */
export function scriptNamedFilesDigest(named: string[], files: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const path of [...new Set(named)].sort()) {
    const text = files.get(path);
    // A text is marked \u0002 and a file not read \u0001, so no file's text reads as "not read".
    hash
      .update(path)
      .update('\u0000')
      .update(text === undefined ? '\u0001not read' : `\u0002${text}`)
      .update('\u0000');
  }
  return hash.digest('hex');
}
