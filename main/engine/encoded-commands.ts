// A command that decodes text and runs it shows nothing on its command line of what it does (ATT&CK T1140,
// Deobfuscate/Decode Files or Information), so the text is decoded here and read as what runs it would read it: its
// pools, configs and programs are the item's like any other command's. Two ways of writing it:
// - a shell command: `echo <base64> | base64 -d | sh`, `eval "$(echo ... | base64 --decode)"` (base64(1): -d,
//   --decode; macOS's also -D; `openssl base64 -d`);
// - an interpreter's own code: `python3 -c "import base64;exec(base64.b64decode('...'))"`, as Empire's macOS
//   launch agent and daemon persistence writes its plists (and Elastic's "Empire Stager Execution" rule looks for),
//   `perl -MMIME::Base64 -e 'eval(decode_base64(...))'`, `ruby -e 'eval(Base64.decode64(...))'`, `node -e
//   "eval(Buffer.from('...','base64').toString())"`, `php -r 'eval(base64_decode(...));'`, osascript's `do shell
//   script`.
// Code that hands text to a shell hides its shell commands the same way without encoding them, as strings
// (`os.system("...")`): those are read too (shellStringsOf).
import { basename, isInterpreter } from './shell-words';

/**
 * Bounds: words looked at in one command, encoded words decoded, and the length of one. Far more encoded words than a
 * command needs, so that words which decode to harmless text put first do not hide the payload after them; what they
 * decode to is shorter than they are, so the work stays proportional to the command.
 */
const MAX_TOKENS = 10_000;
const MAX_ENCODED = 256;
const MAX_ENCODED_LENGTH = 256 * 1024;
/** Shorter than this, a word is a name, not a payload (and decodes to a few bytes of nothing). */
const MIN_ENCODED_LENGTH = 12;

export interface DecodedShellText {
  /** The texts its base64 words decode to, where they read as text. */
  texts: string[];
  /** It decodes base64 and hands something to an interpreter or eval: it runs what it decodes. */
  runs: boolean;
}

/** The base64 a shell command string decodes, when it decodes any; quotes and `$(...)` do not hide it. */
export function decodedShellText(command: string): DecodedShellText {
  const tokens = tokensOf(command);
  const { decodes, interprets } = shellDecoding(tokens);
  return decodes ? { texts: decodedWords(tokens), runs: interprets } : { texts: [], runs: false };
}

/**
 * What an interpreter's code on its command line decodes (all its arguments read as one text: which option takes
 * the code differs between interpreters and versions, and a word that is not code decodes nothing). It runs what it
 * decodes when the code calls something that runs text (exec, eval, system, a subprocess, `do shell script`...);
 * `shell` when that is a shell (system, popen, a subprocess, backticks), so the text is also a shell command.
 */
export function decodedInterpreterCode(code: string): DecodedShellText & { shell: boolean } {
  const tokens = tokensOf(code);
  return decodedCode(tokens, runnersIn(tokens, code));
}

/**
 * The shell commands an interpreter's code spells out as strings (`os.system("~/.k/kworker -c ~/.k/c.json")`,
 * `subprocess.Popen("...", shell=True)`, `do shell script "..."`, Perl's and Ruby's `system "..."`): each string
 * literal of code that hands text to a shell, up to a bound far past what code holds to run one program (so a few
 * strings put first do not hide the command after them). A literal that is not a command reads as words that name
 * nothing.
 */
export function shellStringsOf(code: string): string[] {
  return runnersIn(tokensOf(code), code).shell ? stringLiterals(code) : [];
}

/** Both of the above from one pass over the code's words: what a reader of command lines wants of an interpreter. */
export function readInterpreterCode(code: string): {
  decoded: DecodedShellText & { shell: boolean };
  shellStrings: string[];
} {
  const tokens = tokensOf(code);
  const runners = runnersIn(tokens, code);
  return { decoded: decodedCode(tokens, runners), shellStrings: runners.shell ? stringLiterals(code) : [] };
}

function decodedCode(
  tokens: string[],
  runners: { runs: boolean; shell: boolean },
): DecodedShellText & { shell: boolean } {
  const fromShell = shellDecoding(tokens);
  let decodes = fromShell.decodes;
  for (let i = 0; i < tokens.length; i++) {
    const token = (tokens[i] as string).toLowerCase();
    const name = token.slice(token.lastIndexOf('.') + 1);
    const next = tokens.slice(i + 1, i + 4).map((t) => t.toLowerCase());
    if (LANGUAGE_DECODERS.has(name) || name.startsWith('initwithbase64encodedstring')) decodes = true;
    // Buffer.from(s, 'base64'), codecs.decode(s, 'base64'), Ruby's and Perl's unpack('m').
    if ((name === 'from' || name === 'decode') && next.includes('base64')) decodes = true;
    if ((name === 'unpack' || name === 'unpack1') && (next[0] === 'm' || next[0] === 'm0')) decodes = true;
  }
  if (!decodes) return { texts: [], runs: false, shell: false };
  const both = fromShell.decodes && fromShell.interprets;
  return { texts: decodedWords(tokens), runs: runners.runs || both, shell: runners.shell || both };
}

/** The string literals of code, '...' and "..." (a backslash escapes the next character), within the bounds below. */
function stringLiterals(code: string): string[] {
  const strings: string[] = [];
  let i = 0;
  let total = 0;
  while (i < code.length && strings.length < MAX_SHELL_STRINGS && total < MAX_SHELL_STRINGS_LENGTH) {
    const quote = code[i];
    if (quote !== '"' && quote !== "'") {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < code.length && code[end] !== quote) end += code[end] === '\\' ? 2 : 1;
    const literal = code.slice(i + 1, Math.min(end, code.length));
    if (literal.length >= MIN_LITERAL_LENGTH && literal.length <= MAX_ENCODED_LENGTH) {
      strings.push(literal);
      total += literal.length;
    }
    i = end + 1;
  }
  return strings;
}

const MAX_SHELL_STRINGS = 256;
const MAX_SHELL_STRINGS_LENGTH = 1024 * 1024;
/** Shorter than this, a string is a word (`'-c'`, `"sh"`), not a command. */
const MIN_LITERAL_LENGTH = 3;

/**
 * Whether code runs text (exec, eval, system, a subprocess, `do shell script`...), and whether it hands text to a
 * shell (system, popen, a subprocess, backticks).
 */
function runnersIn(tokens: string[], code: string): { runs: boolean; shell: boolean } {
  let runs = false;
  let shell = code.includes('`');
  for (let i = 0; i < tokens.length; i++) {
    const token = (tokens[i] as string).toLowerCase();
    const name = token.slice(token.lastIndexOf('.') + 1);
    if (CODE_RUNNERS.has(name)) runs = true;
    if (SHELL_RUNNERS.has(name) || (token.startsWith('subprocess.') && name !== 'pipe')) runs = shell = true;
    if (name === 'script' && tokens[i - 1]?.toLowerCase() === 'shell' && tokens[i - 2]?.toLowerCase() === 'do')
      runs = shell = true;
  }
  return { runs, shell };
}

/** Decoding functions of Python (base64), Perl (MIME::Base64), Ruby (Base64), PHP, JavaScript. */
const LANGUAGE_DECODERS: ReadonlySet<string> = new Set([
  'b64decode',
  'standard_b64decode',
  'urlsafe_b64decode',
  'decodebytes',
  'decodestring',
  'decode_base64',
  'decode64',
  'strict_decode64',
  'urlsafe_decode64',
  'base64_decode',
  'atob',
]);
/** What runs text as code in the interpreter itself. */
const CODE_RUNNERS: ReadonlySet<string> = new Set(['exec', 'eval', 'instance_eval', 'runinthiscontext']);
/** What hands text to a shell or starts a program. */
const SHELL_RUNNERS: ReadonlySet<string> = new Set([
  'system',
  'popen',
  'popen2',
  'popen3',
  'spawn',
  'spawnsync',
  'execsync',
  'exec_command',
  'shell_exec',
  'passthru',
  'proc_open',
  'child_process',
  'execv',
  'execve',
  'execvp',
  'execl',
  'execlp',
]);

/** Whether shell words decode base64 (base64 -d, openssl base64 -d), and whether something runs text. */
function shellDecoding(tokens: string[]): { decodes: boolean; interprets: boolean } {
  let decodes = false;
  let interprets = false;
  for (let i = 0; i < tokens.length; i++) {
    const name = basename(tokens[i] as string);
    const next = tokens.slice(i + 1, i + 4);
    if (name === 'base64' && next.some(isDecodeFlag)) decodes = true;
    if (
      name === 'openssl' &&
      next.some((t) => t === 'base64' || t === 'enc') &&
      next.concat(tokens.slice(i + 4, i + 6)).includes('-d')
    )
      decodes = true;
    if (name === 'eval' || name === 'source' || name === '.' || isInterpreter(name)) interprets = true;
  }
  return { decodes, interprets };
}

/** The words that are base64 and decode to text, at most MAX_ENCODED. */
function decodedWords(tokens: string[]): string[] {
  const texts: string[] = [];
  for (const token of tokens) {
    if (texts.length >= MAX_ENCODED) break;
    if (token.length < MIN_ENCODED_LENGTH || token.length > MAX_ENCODED_LENGTH || !isBase64(token)) continue;
    const text = Buffer.from(token, 'base64').toString('utf8');
    if (readsAsText(text)) texts.push(text);
  }
  return texts;
}

function isDecodeFlag(token: string): boolean {
  if (token === '--decode') return true;
  if (token.length < 2 || token[0] !== '-' || token[1] === '-') return false;
  return token.includes('d') || token.includes('D');
}

/** Words split at whitespace and every shell character, quotes included: what is inside `"$(...)"` counts. */
function tokensOf(text: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length && tokens.length < MAX_TOKENS; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    const separator =
      c <= 32 ||
      c === 59 ||
      c === 124 ||
      c === 38 ||
      c === 40 ||
      c === 41 ||
      c === 96 ||
      c === 34 ||
      c === 39 ||
      c === 60 ||
      c === 62 ||
      c === 36 ||
      c === 123 ||
      c === 125;
    if (!separator) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      tokens.push(text.slice(start, i));
      start = -1;
    }
  }
  return tokens;
}

/** The base64 alphabet, `=` only at the end, and a length base64 can have. */
function isBase64(token: string): boolean {
  let end = token.length;
  while (end > 0 && token.charCodeAt(end - 1) === 61) end--;
  if (token.length - end > 2 || token.length % 4 === 1) return false;
  for (let i = 0; i < end; i++) {
    const c = token.charCodeAt(i);
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!ok) return false;
  }
  return true;
}

/** Decoded bytes that are text: valid UTF-8, no control characters but tab and line ends. */
function readsAsText(text: string): boolean {
  if (text.length < 4) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return false;
  }
  return true;
}
