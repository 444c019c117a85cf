// Splits a shell command string into words the way `sh -c` would for simple commands: quotes and
// backslashes are honoured, operators (; && || |) separate commands. No expansion is performed.

export function splitShellCommands(text: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (ch === '#' && !inWord) {
      while (i < text.length && text[i] !== '\n') i++;
      endCommand();
    } else if (ch === ';' || ch === '|' || ch === '&' || ch === '\n' || ch === '(' || ch === ')' || ch === '`') {
      endCommand();
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord();
    } else {
      word += ch;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

export function basename(path: string): string {
  const trimmed = trimEnd(path, '/');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** `text` without any run of `char` at its end (a loop: `/x+$/` would backtrack on long runs). */
export function trimEnd(text: string, char: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end--;
  return text.slice(0, end);
}

/** `-c`, `-lc`, `-ec`: a shell option cluster that includes -c (the next word is a command to run). */
export function isShellCommandOption(arg: string): boolean {
  if (arg.length < 2 || arg[0] !== '-' || !arg.includes('c')) return false;
  for (let i = 1; i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

const INTERPRETER =
  /^(sh|bash|zsh|dash|ksh|csh|tcsh|fish|osascript|perl\d*(\.\d+)*|ruby\d*(\.\d+)*|node|python\d*(\.\d+)*|php\d*|lua\d*(\.\d+)*|tclsh\d*(\.\d+)*|env)$/;
const SHELL = /^(sh|bash|zsh|dash|ksh|csh|tcsh|fish)$/;

export function isInterpreter(program: string): boolean {
  return INTERPRETER.test(basename(program));
}

export function isShell(program: string): boolean {
  return SHELL.test(basename(program));
}

/** An interpreter of a language other than the shell's (python, perl, ruby, node, osascript...). */
export function isCodeInterpreter(program: string): boolean {
  return isInterpreter(program) && !isShell(program) && basename(program) !== 'env';
}

/** `NAME=value`: a shell variable set for the command that follows (a loop: no pattern to backtrack). */
export function isAssignment(word: string): boolean {
  const equals = word.indexOf('=');
  if (equals <= 0) return false;
  for (let i = 0; i < equals; i++) {
    const c = word.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!letter && !(i > 0 && c >= 48 && c <= 57)) return false;
  }
  return true;
}

/** `~/x` and `$HOME/x` as the user's shell would expand them. */
export function expandHome(path: string, home: string | undefined): string {
  if (!home) return path;
  if (path === '~' || path.startsWith('~/')) return home + path.slice(1);
  if (path.startsWith('$HOME/')) return home + path.slice(5);
  if (path.startsWith('${HOME}/')) return home + path.slice(7);
  return path;
}
