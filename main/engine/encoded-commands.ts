// A shell command that decodes text and runs it: `echo <base64> | base64 -d | sh`, `eval "$(echo ... | base64
// --decode)"` (base64(1): -d, --decode; macOS's also -D; `openssl base64 -d`). Its command line then shows nothing of
// what it does (ATT&CK T1140, Deobfuscate/Decode Files or Information), so the text is decoded here and read as the
// shell would read it: its pools, configs and programs are the item's like any other command's.
import { basename, isInterpreter } from './shell-words';

/** Bounds: words looked at in one command, encoded words decoded, and the length of one. */
const MAX_TOKENS = 10_000;
const MAX_ENCODED = 16;
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
  if (!decodes) return { texts: [], runs: false };
  const texts: string[] = [];
  for (const token of tokens) {
    if (texts.length >= MAX_ENCODED) break;
    if (token.length < MIN_ENCODED_LENGTH || token.length > MAX_ENCODED_LENGTH || !isBase64(token)) continue;
    const text = Buffer.from(token, 'base64').toString('utf8');
    if (readsAsText(text)) texts.push(text);
  }
  return { texts, runs: interprets };
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
