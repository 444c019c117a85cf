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
// Base64 is not the only encoding: hex (`echo <hex> | xxd -r -p | sh`; Python's bytes.fromhex, Perl's and Ruby's
// pack('H*'), PHP's hex2bin, Buffer.from(s, 'hex')) and escape sequences (`printf '\x63\x75...' | sh`, bash's
// $'\x..', `exec("\x69\x6d...")` in code) hide a command as well; scanners of launchd plists name "a long base64 or
// hex blob in arguments" as a hiding place of their own.
// Code that hands text to a shell hides its shell commands the same way without encoding them, as strings
// (`os.system("...")`): those are read too (shellStringsOf).
import { decryptedTexts, opensslDecryptions } from './openssl-decryption';
import { addLiteralAssignments, MAX_SUBSTITUTED, withVariables } from './shell-variables';
import { basename, isAssignment, isInterpreter } from './shell-words';

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
  /** The texts its encoded words decode to, where they read as text. */
  texts: string[];
  /** It decodes text and hands something to an interpreter or eval: it runs what it decodes. */
  runs: boolean;
  /** What was past a bound and not read (then the item is looked at harder: analysis.incomplete). */
  unread?: string;
}

/** Which encodings a command or code decodes. */
interface Encodings {
  base64: boolean;
  hex: boolean;
  /** `\x63`, `\143`, `\u0063`: decoded by printf, echo, $'...' and every interpreter's string literals. */
  escapes: boolean;
}

/**
 * What a shell command string decodes (base64, hex, escape sequences), when it decodes any; quotes and `$(...)` do
 * not hide it.
 */
export function decodedShellText(command: string): DecodedShellText {
  const tokens = tokensOf(command);
  const { encodings, interprets } = shellDecoding(tokens, command);
  const decryptions = command.includes('openssl') ? opensslDecryptions(withOwnVariables(command)) : [];
  if (!encodings.base64 && !encodings.hex && !encodings.escapes && decryptions.length === 0)
    return { texts: [], runs: false };
  const literals = encodings.escapes ? stringLiterals(command) : { strings: [], cut: false };
  const words = decodedWords(tokens, literals.strings, encodings);
  const decrypted =
    decryptions.length > 0 ? decryptedTexts(decryptions, encryptedBlobs(tokens), readsAsText) : { texts: [] };
  // printf and echo are everywhere: they decode only when a word of escapes did decode.
  const decodes = encodings.base64 || encodings.hex || words.texts.length > 0 || decryptions.length > 0;
  if (!decodes) return { texts: [], runs: false };
  const unread = unreadOf(tokens, words, literals) ?? decrypted.unread;
  return { texts: [...words.texts, ...decrypted.texts], runs: interprets, ...(unread !== undefined ? { unread } : {}) };
}

/** The command with the variables it sets to literal values put in where it uses them (`K=...; ... -k "$K"`). */
function withOwnVariables(command: string): string {
  const variables = new Map<string, string>();
  addLiteralAssignments(command, variables);
  return withVariables(command, variables, { left: MAX_SUBSTITUTED });
}

/**
 * The bytes encrypted data on a command line can be (openssl-decryption.ts): each base64 or hex word decoded, and
 * each run of base64 words joined (`openssl enc -a` writes 64 characters a line), at most MAX_ENCODED.
 */
function encryptedBlobs(tokens: string[]): Buffer[] {
  const blobs: Buffer[] = [];
  for (const run of wrappedBase64(tokens)) blobs.push(Buffer.from(run.text, 'base64'));
  for (const word of tokens) {
    if (blobs.length >= MAX_ENCODED) break;
    // `X=<base64>` as decodedWords reads it: the value, unless the word only ends in base64's padding.
    const assigned = isAssignment(word) ? word.slice(word.indexOf('=') + 1) : '';
    const value = assigned.length >= MIN_ENCODED_LENGTH ? assigned : word;
    if (value.length < MIN_ENCODED_LENGTH || value.length > MAX_ENCODED_LENGTH) continue;
    if (value.length % 2 === 0 && isHex(value)) blobs.push(Buffer.from(value, 'hex'));
    if (isBase64(value)) blobs.push(Buffer.from(value, 'base64'));
  }
  return blobs;
}

/**
 * Base64 wrapped over lines, joined: words of one length (a multiple of 4, at least MIN_ENCODED_LENGTH, unpadded:
 * base64(1) writes 76 characters a line, openssl -a 64) one after another, then a last one no longer, which may be
 * padded. At most MAX_ENCODED runs, each at most MAX_ENCODED_LENGTH long.
 */
function wrappedBase64(tokens: string[]): { text: string; from: number; to: number }[] {
  const runs: { text: string; from: number; to: number }[] = [];
  let i = 0;
  while (i < tokens.length && runs.length < MAX_ENCODED) {
    const width = (tokens[i] as string).length;
    if (width < MIN_ENCODED_LENGTH || width % 4 !== 0 || !isUnpaddedBase64(tokens[i] as string)) {
      i++;
      continue;
    }
    let end = i + 1;
    let length = width;
    while (end < tokens.length && (tokens[end] as string).length === width && isUnpaddedBase64(tokens[end] as string)) {
      length += width;
      end++;
    }
    // A shorter last line, which may be padded; or the word after the payload (`| base64 -d`): both are tried, the
    // longer first (a text its last line completes takes its words).
    const last = tokens[end];
    const lastLine = last !== undefined && last.length <= width && last.length >= 2 && isBase64(last) ? last : '';
    if (lastLine !== '' && length + lastLine.length <= MAX_ENCODED_LENGTH)
      runs.push({ text: tokens.slice(i, end + 1).join(''), from: i, to: end + 1 });
    if (end - i > 1 && length <= MAX_ENCODED_LENGTH)
      runs.push({ text: tokens.slice(i, end).join(''), from: i, to: end });
    i = lastLine !== '' ? end + 1 : end;
  }
  return runs;
}

function isUnpaddedBase64(token: string): boolean {
  return isBase64(token) && !token.endsWith('=');
}

/**
 * What an interpreter's code on its command line decodes (all its arguments read as one text: which option takes
 * the code differs between interpreters and versions, and a word that is not code decodes nothing). It runs what it
 * decodes when the code calls something that runs text (exec, eval, system, a subprocess, `do shell script`...);
 * `shell` when that is a shell (system, popen, a subprocess, backticks), so the text is also a shell command.
 */
export function decodedInterpreterCode(code: string): DecodedShellText & { shell: boolean } {
  return readInterpreterCode(code).decoded;
}

/**
 * The shell commands an interpreter's code spells out as strings (`os.system("~/.k/kworker -c ~/.k/c.json")`,
 * `subprocess.Popen("...", shell=True)`, `do shell script "..."`, Perl's and Ruby's `system "..."`): each string
 * literal of code that hands text to a shell, up to a bound far past what code holds to run one program (so a few
 * strings put first do not hide the command after them). A literal that is not a command reads as words that name
 * nothing.
 */
export function shellStringsOf(code: string): string[] {
  return readInterpreterCode(code).shellStrings;
}

/** Both of the above from one pass over the code's words: what a reader of command lines wants of an interpreter. */
export function readInterpreterCode(code: string): {
  decoded: DecodedShellText & { shell: boolean };
  shellStrings: string[];
  /** The argument lists it gives the programs it starts (argvLists), when it starts any. */
  argvLists: string[][];
} {
  const tokens = tokensOf(code);
  const literals = stringLiterals(code);
  const runners = runnersIn(tokens, code);
  const lists = runners.shell ? argvLists(code) : { lists: [], cut: false };
  const decoded = decodedCode(tokens, literals.strings, runners);
  const unread =
    decoded.unread ??
    (runners.shell && literals.cut ? 'more strings than are read' : undefined) ??
    (lists.cut ? 'more argument lists than are read' : undefined);
  return {
    decoded: unread !== undefined ? { ...decoded, unread } : decoded,
    shellStrings: runners.shell ? literals.strings.map((literal) => withEscapes(literal).text) : [],
    argvLists: lists.lists,
  };
}

/** What a decoding left unread: words past MAX_TOKENS, encoded words past MAX_ENCODED, strings past their bounds. */
function unreadOf(tokens: string[], words: { cut: boolean }, literals: { cut?: boolean }): string | undefined {
  if (tokens.length >= MAX_TOKENS) return `more than ${MAX_TOKENS.toLocaleString('en')} words`;
  if (words.cut) return `more than ${MAX_ENCODED} encoded words`;
  if (literals.cut) return 'more strings than are read';
  return undefined;
}

function decodedCode(
  tokens: string[],
  literals: string[],
  runners: { runs: boolean; shell: boolean },
): DecodedShellText & { shell: boolean } {
  const fromShell = shellDecoding(tokens, '');
  let base64 = fromShell.encodings.base64;
  let hex = fromShell.encodings.hex;
  for (let i = 0; i < tokens.length; i++) {
    const token = (tokens[i] as string).toLowerCase();
    const name = token.slice(token.lastIndexOf('.') + 1);
    const next = tokens.slice(i + 1, i + 4).map((t) => t.toLowerCase());
    if (LANGUAGE_DECODERS.has(name) || name.startsWith('initwithbase64encodedstring')) base64 = true;
    if (HEX_DECODERS.has(name)) hex = true;
    // Buffer.from(s, 'base64'), codecs.decode(s, 'base64'), and the same with 'hex'.
    if (name === 'from' || name === 'decode') {
      if (next.includes('base64')) base64 = true;
      if (next.includes('hex')) hex = true;
    }
    // Ruby's and Perl's unpack('m'); pack('H*', ...) and [...].pack('H*') of Perl, Ruby and PHP.
    if ((name === 'unpack' || name === 'unpack1') && (next[0] === 'm' || next[0] === 'm0')) base64 = true;
    if (name === 'pack' && next[0]?.startsWith('h')) hex = true;
  }
  // Every interpreter reads escape sequences in its string literals: `exec("\x69\x6d...")` decodes as it parses.
  const words = decodedWords(tokens, literals, { base64, hex, escapes: true });
  if (!base64 && !hex && words.texts.length === 0) return { texts: [], runs: false, shell: false };
  const both = fromShell.interprets && (fromShell.encodings.base64 || fromShell.encodings.hex);
  const unread = unreadOf(tokens, words, {});
  return {
    texts: words.texts,
    runs: runners.runs || both,
    shell: runners.shell || both,
    ...(unread !== undefined ? { unread } : {}),
  };
}

/** The string literals of code, '...' and "..." (a backslash escapes the next character), within the bounds below. */
function stringLiterals(code: string): { strings: string[]; cut: boolean } {
  const strings: string[] = [];
  let i = 0;
  let total = 0;
  while (i < code.length && strings.length < MAX_SHELL_STRINGS && total < MAX_SHELL_STRINGS_LENGTH) {
    const quote = code[i];
    if (quote !== '"' && quote !== "'") {
      i++;
      continue;
    }
    const end = closingQuote(code, i);
    const literal = code.slice(i + 1, end);
    if (literal.length >= MIN_LITERAL_LENGTH && literal.length <= MAX_ENCODED_LENGTH) {
      strings.push(literal);
      total += literal.length;
    }
    i = end + 1;
  }
  // Stopped at a bound with another literal still to come.
  return { strings, cut: i < code.length && (code.indexOf('"', i) >= 0 || code.indexOf("'", i) >= 0) };
}

/** Where the literal opening at `start` closes (a backslash escapes the next character); the end of code if never. */
function closingQuote(code: string, start: number): number {
  const quote = code[start];
  let end = start + 1;
  while (end < code.length && code[end] !== quote) end += code[end] === '\\' ? 2 : 1;
  return Math.min(end, code.length);
}

/**
 * The argument lists code gives a program as strings one after another (`subprocess.Popen(["/x/kworker", "--config",
 * "c.json"])`, `spawn("/x/kworker", ["-c", "c.json"])`, Perl's and Ruby's `system("/x/kworker", "-c", "c.json")`):
 * runs of two or more string literals with nothing but commas, spaces and `[` between them, each read as its
 * language reads it. Within the bounds below.
 */
function argvLists(code: string): { lists: string[][]; cut: boolean } {
  const lists: string[][] = [];
  let list: string[] = [];
  let words = 0;
  let i = 0;
  let afterLast = -1;
  const close = (): void => {
    if (list.length > 1) lists.push(list);
    list = [];
  };
  while (i < code.length && lists.length < MAX_ARGV_LISTS && words < MAX_ARGV_WORDS) {
    const c = code[i];
    if (c !== '"' && c !== "'") {
      if (afterLast >= 0 && c !== ',' && c !== '[' && c !== ' ' && c !== '\t' && c !== '\n') {
        close();
        afterLast = -1;
      }
      i++;
      continue;
    }
    const end = closingQuote(code, i);
    const literal = code.slice(i + 1, end);
    if (literal.length > MAX_ENCODED_LENGTH) close();
    else {
      list.push(withEscapes(literal).text);
      words++;
    }
    afterLast = end + 1;
    i = end + 1;
  }
  const cut = i < code.length;
  close();
  return { lists, cut };
}

const MAX_ARGV_LISTS = 256;
const MAX_ARGV_WORDS = 4096;
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
/** Hex decoding functions: Python's bytes.fromhex and binascii, PHP's hex2bin. */
const HEX_DECODERS: ReadonlySet<string> = new Set(['fromhex', 'unhexlify', 'a2b_hex', 'hex2bin']);
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

/**
 * Which encodings shell words decode (base64 -d, openssl base64 -d; xxd -r; printf, echo and $'...' for escape
 * sequences), and whether something runs text.
 */
function shellDecoding(tokens: string[], command: string): { encodings: Encodings; interprets: boolean } {
  const encodings: Encodings = { base64: false, hex: false, escapes: command.includes("$'") };
  let interprets = false;
  for (let i = 0; i < tokens.length; i++) {
    const name = basename(tokens[i] as string);
    const next = tokens.slice(i + 1, i + 4);
    if (name === 'base64' && next.some(isDecodeFlag)) encodings.base64 = true;
    if (
      name === 'openssl' &&
      next.some((t) => t === 'base64' || t === 'enc') &&
      next.concat(tokens.slice(i + 4, i + 6)).includes('-d')
    )
      encodings.base64 = true;
    // xxd(1): -r (or -revert) turns a hex dump back into bytes, -p for plain hex; the flags combine (-rp, -p -r).
    if (name === 'xxd' && next.some((t) => t.length > 1 && t[0] === '-' && t[1] !== '-' && t.includes('r')))
      encodings.hex = true;
    if (name === 'printf' || name === 'echo') encodings.escapes = true;
    if (name === 'eval' || name === 'source' || name === '.' || isInterpreter(name)) interprets = true;
  }
  return { encodings, interprets };
}

/**
 * The texts encoded words decode to, at most MAX_ENCODED: each word in an encoding it can be in (hex before base64,
 * as every hex word is base64 too), consecutive hex words joined (xxd -p writes 60 digits a line, and xxd -r -p
 * reads past spaces and line ends), and each string literal or word of escape sequences.
 */
function decodedWords(tokens: string[], literals: string[], encodings: Encodings): { texts: string[]; cut: boolean } {
  const texts = new Set<string>();
  let cut = false;
  const add = (text: string | undefined): boolean => {
    if (text === undefined || !readsAsText(text)) return false;
    if (texts.size >= MAX_ENCODED) {
      if (!texts.has(text)) cut = true;
      return false;
    }
    texts.add(text);
    return true;
  };
  if (encodings.hex) {
    let run: string[] = [];
    let runLength = 0;
    const flush = (): void => {
      if (run.length > 1 && runLength <= MAX_ENCODED_LENGTH) add(Buffer.from(run.join(''), 'hex').toString('utf8'));
      run = [];
      runLength = 0;
    };
    for (const token of tokens) {
      if (token.length % 2 === 0 && isHex(token)) {
        run.push(token);
        runLength += token.length;
      } else flush();
    }
    flush();
  }
  // base64 -d reads past line ends (GNU's and macOS's alike): a payload written 76 characters a line, in a quoted
  // string or a here-document, is one text too.
  // Its lines are read one by one too (as words put one after another, each its own text, are: a run must not
  // swallow them), and a run whose last line completes it is not read again without that line.
  if (encodings.base64) {
    const joinedFrom = new Set<number>();
    for (const run of wrappedBase64(tokens))
      if (!joinedFrom.has(run.from) && add(Buffer.from(run.text, 'base64').toString('utf8'))) joinedFrom.add(run.from);
  }
  for (const word of tokens) {
    if (cut) break;
    // `X=<base64>` sets a variable the command decodes later (`echo $X | base64 -d | sh`): the value is the word (a
    // word that only ends in `=`, base64's padding, is itself).
    const value = isAssignment(word) ? word.slice(word.indexOf('=') + 1) : '';
    const token = value.length >= MIN_ENCODED_LENGTH ? value : word;
    if (token.length < MIN_ENCODED_LENGTH || token.length > MAX_ENCODED_LENGTH) continue;
    if (encodings.hex && token.length % 2 === 0 && isHex(token) && add(Buffer.from(token, 'hex').toString('utf8')))
      continue;
    if (encodings.base64 && isBase64(token)) add(Buffer.from(token, 'base64').toString('utf8'));
  }
  if (encodings.escapes)
    for (const word of literals.concat(tokens)) {
      if (cut) break;
      if (word.length >= MIN_ENCODED_LENGTH && word.length <= MAX_ENCODED_LENGTH) add(unescaped(word));
    }
  return { texts: [...texts], cut };
}

/** Fewer escapes than this in a word, and it is a format (`%s\n`, a colour), not an encoding. */
const MIN_ESCAPES = 4;

/**
 * A word of escape sequences as printf(1), echo, bash's $'...' and the interpreters' string literals read it;
 * undefined when it has fewer than MIN_ESCAPES numeric ones (what hides text).
 */
function unescaped(word: string): string | undefined {
  const { text, numeric } = withEscapes(word);
  return numeric >= MIN_ESCAPES ? text : undefined;
}

/**
 * A string literal as its language reads it: \xHH, \NNN (octal), \uHHHH, \n, \t, \r, and a backslash before any
 * other character is that character (`\"`, `\\`); `numeric`: how many of the first three spell an ASCII character
 * (a command hidden this way is ASCII; `"\u00e9"` in a French string hides none). One pass, no backtracking.
 */
function withEscapes(word: string): { text: string; numeric: number } {
  if (!word.includes('\\')) return { text: word, numeric: 0 };
  let out = '';
  let numeric = 0;
  let i = 0;
  while (i < word.length) {
    const c = word[i] as string;
    if (c !== '\\' || i + 1 >= word.length) {
      out += c;
      i++;
      continue;
    }
    const e = word[i + 1] as string;
    if (e === 'x' || e === 'u') {
      const digits = digitsAt(word, i + 2, e === 'x' ? 2 : 4, 16);
      if (digits > 0) {
        const code = parseInt(word.slice(i + 2, i + 2 + digits), 16);
        out += String.fromCharCode(code);
        if (code < 128) numeric++;
        i += 2 + digits;
        continue;
      }
    } else if (e >= '0' && e <= '7') {
      const digits = digitsAt(word, i + 1, 3, 8);
      const code = parseInt(word.slice(i + 1, i + 1 + digits), 8);
      out += String.fromCharCode(code);
      if (code < 128) numeric++;
      i += 1 + digits;
      continue;
    }
    out += ONE_LETTER_ESCAPES[e] ?? e;
    i += 2;
  }
  return { text: out, numeric };
}

const ONE_LETTER_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r' };

/** How many digits of `radix` start at `from`, at most `max`. */
function digitsAt(word: string, from: number, max: number, radix: 8 | 16): number {
  let n = 0;
  while (n < max && from + n < word.length && Number.isInteger(parseInt(word[from + n] as string, radix))) n++;
  return n;
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

/** Hex digits only. */
function isHex(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
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
