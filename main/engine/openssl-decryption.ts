// `openssl enc -d` hides a command better than base64 does: the text is encrypted, and only the key on the command
// line opens it (`echo U2FsdGVkX1... | openssl enc -aes-256-cbc -d -a -A -k <key> | sh`, `eval "$(openssl enc -d
// -aes-256-cbc -a -nosalt -pass pass:<key> <<< ...)"`; Shlayer's scripts decrypt their payload this way). When the key
// and the data are both on the command line, the text is decrypted here as openssl would, so what it runs is read
// like any other decoded command; when either is not (a key in a file or variable, data in a file), the command says
// so, and the item is looked at harder.
// How openssl derives the key (openssl-enc(1)): EVP_BytesToKey over the password and the 8 bytes of salt that follow
// "Salted__" at the start of the data (none with -nosalt), one round of the digest; PBKDF2 (HMAC, 10,000 rounds
// unless -iter says) with -pbkdf2 or -iter. The digest is -md's, else SHA-256 since OpenSSL 1.1.0 and MD5 before it
// and in LibreSSL (macOS's /usr/bin/openssl; its enc.c: `dgst = EVP_md5()`): both are tried. -K and -iv give the key
// and IV in hex, with no derivation. AEAD ciphers are refused by openssl enc and here.
import { createDecipheriv, createHash, getCipherInfo, pbkdf2Sync } from 'node:crypto';

/** One `openssl enc -d` (or `openssl <cipher> -d`) as its options say it decrypts. */
export interface OpensslDecryption {
  /** The cipher as written (`aes-256-cbc`). */
  cipher: string;
  /** Why it cannot be decrypted from the command alone (its key or data elsewhere); undefined when it can be tried. */
  missing?: string;
  password?: Buffer;
  key?: Buffer;
  iv?: Buffer;
  digests: string[];
  salted: boolean;
  /** PBKDF2 rounds, or 0 for EVP_BytesToKey. */
  pbkdf2Rounds: number;
  /** The file it reads (`-in`, `<`), when it names one: the data is there when none on the command line opens. */
  input?: string;
}

/** Bounds: openssl commands read in one text, words read of each, and the decryption work one text may cost. */
const MAX_COMMANDS = 16;
const MAX_WORDS = 64;
/** Bytes decrypted for one text (each try of a digest counts): far past a payload, short of a stall. */
const MAX_DECRYPTED_BYTES = 4 * 1024 * 1024;
/** PBKDF2 rounds run for one text: -iter 10000000 would otherwise stall a scan for seconds on each blob. */
const MAX_PBKDF2_ROUNDS = 1_000_000;
const DEFAULT_PBKDF2_ROUNDS = 10_000;
const SALT_MAGIC = Buffer.from('Salted__');

/** Options of openssl enc that take a value (openssl-enc(1)); any other `-word` is a flag or the cipher. */
const OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set([
  '-in',
  '-out',
  '-pass',
  '-k',
  '-kfile',
  '-K',
  '-iv',
  '-S',
  '-md',
  '-iter',
  '-bufsize',
  '-engine',
  '-provider',
  '-provider-path',
  '-propquery',
  '-rand',
  '-writerand',
  '-saltlen',
]);
/** Modes openssl enc refuses ("AEAD ciphers not supported") or that this reader cannot run as it does. */
const UNSUPPORTED_MODES: ReadonlySet<string> = new Set(['gcm', 'ccm', 'ocb', 'wrap', 'xts', 'siv']);

/**
 * The decryptions a shell command runs with openssl: each `openssl enc -<cipher> -d ...` or `openssl <cipher> -d
 * ...` and the key it is given, at most MAX_COMMANDS. One pass over the text, no pattern to backtrack.
 */
export function opensslDecryptions(command: string): OpensslDecryption[] {
  const found: OpensslDecryption[] = [];
  let from = 0;
  while (found.length < MAX_COMMANDS) {
    const at = command.indexOf('openssl', from);
    if (at < 0) break;
    from = at + 7;
    if (!startsWord(command, at) || !isBlank(command[at + 7])) continue;
    const decryption = readDecryption(wordsAfter(command, at + 7));
    if (decryption !== undefined) found.push(decryption);
  }
  return found;
}

/** A word as the shell reads it, and whether it expands when the command runs (`$KEY`, `$(...)`, backquotes). */
interface ShellWord {
  text: string;
  expands: boolean;
}

/** The words of one command from `start` to the end of it (`|`, `;`, `&`, `)`, a line end outside quotes). */
function wordsAfter(command: string, start: number): ShellWord[] {
  const words: ShellWord[] = [];
  let text = '';
  let expands = false;
  let inWord = false;
  let quote: string | undefined;
  const end = (): void => {
    if (inWord) words.push({ text, expands });
    text = '';
    expands = false;
    inWord = false;
  };
  for (let i = start; i < command.length && words.length < MAX_WORDS; i++) {
    const c = command[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) text += command[++i];
      else {
        if (quote === '"' && (c === '$' || c === '`')) expands = true;
        text += c;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      text += command[++i];
      inWord = true;
    } else if (c === '|' || c === ';' || c === '&' || c === ')' || c === '\n' || c === '`') break;
    else if (c === ' ' || c === '\t' || c === '\r') end();
    else if (c === '<' || c === '>') {
      // A redirection is a word of its own (`<`, `<<<`, `>>`): the word after it is what is read or written.
      end();
      while (command[i + 1] === c) text += command[i++];
      text += c;
      inWord = true;
      end();
    } else {
      if (c === '$') expands = true;
      text += c;
      inWord = true;
    }
  }
  end();
  return words;
}

/** What one openssl command line decrypts with, when it decrypts (`-d`) with a cipher; undefined otherwise. */
function readDecryption(words: ShellWord[]): OpensslDecryption | undefined {
  const [first] = words;
  if (first === undefined) return undefined;
  // `openssl aes-256-cbc -d`: the command is the cipher (any other command, `openssl version`, decrypts nothing).
  let cipher = first.text !== 'enc' ? cipherCommand(first.text) : undefined;
  if (first.text !== 'enc' && cipher === undefined) return undefined;
  let decrypt = false;
  let salted = true;
  let pbkdf2Rounds = 0;
  let password: ShellWord | undefined;
  let passSource: string | undefined;
  let hexKey: ShellWord | undefined;
  let hexIv: ShellWord | undefined;
  let digest: string | undefined;
  let input: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const word = (words[i] as ShellWord).text;
    const value = words[i + 1];
    if (OPTIONS_WITH_VALUE.has(word) && value !== undefined) i++;
    if (word === '-d') decrypt = true;
    else if (word === '-e') decrypt = false;
    else if (word === '-nosalt') salted = false;
    else if (word === '-salt') salted = true;
    else if (word === '-pbkdf2') pbkdf2Rounds ||= DEFAULT_PBKDF2_ROUNDS;
    else if (word === '-iter' && value !== undefined) pbkdf2Rounds = Number.parseInt(value.text, 10) || -1;
    else if (word === '-k' && value !== undefined) password = value;
    else if (word === '-pass' && value !== undefined) {
      if (value.text.startsWith('pass:')) password = { text: value.text.slice(5), expands: value.expands };
      else passSource = value.text;
    } else if (word === '-kfile' && value !== undefined) passSource = `file:${value.text}`;
    else if (word === '-K' && value !== undefined) hexKey = value;
    else if (word === '-iv' && value !== undefined) hexIv = value;
    else if (word === '-md' && value !== undefined) digest = value.text.toLowerCase();
    else if ((word === '-in' || word === '<') && value !== undefined) input = value.text;
    else if (word.startsWith('-') && !OPTIONS_WITH_VALUE.has(word) && !FLAGS.has(word) && cipher === undefined)
      cipher = word.slice(1).toLowerCase();
  }
  if (!decrypt || cipher === undefined) return undefined;
  const base: OpensslDecryption = {
    cipher,
    digests: digest !== undefined ? [digest] : ['sha256', 'md5'],
    salted,
    pbkdf2Rounds,
    ...(input !== undefined ? { input } : {}),
  };
  const missing = missingPart({ cipher, password, passSource, hexKey, hexIv, pbkdf2Rounds, input });
  if (missing !== undefined) return { ...base, missing };
  if (hexKey !== undefined)
    return {
      ...base,
      key: Buffer.from(hexKey.text, 'hex'),
      ...(hexIv !== undefined ? { iv: Buffer.from(hexIv.text, 'hex') } : {}),
    };
  return { ...base, password: Buffer.from((password as ShellWord).text, 'utf8') };
}

/** Why a decryption cannot be run from the command's own words, or undefined when it can be tried. */
function missingPart(parts: {
  cipher: string;
  password: ShellWord | undefined;
  passSource: string | undefined;
  hexKey: ShellWord | undefined;
  hexIv: ShellWord | undefined;
  pbkdf2Rounds: number;
  input: string | undefined;
}): string | undefined {
  const { cipher, password, passSource, hexKey, hexIv, pbkdf2Rounds } = parts;
  const mode = cipherInfo(cipher)?.mode;
  if (mode === undefined || UNSUPPORTED_MODES.has(mode)) return `its cipher ${cipher} is not one this reader runs`;
  if (pbkdf2Rounds < 0 || pbkdf2Rounds > MAX_PBKDF2_ROUNDS) return `its key takes more rounds than are run (-iter)`;
  if (hexKey !== undefined) {
    if (hexKey.expands || (hexIv?.expands ?? false)) return `its key is made when it runs (-K ${hexKey.text})`;
    return undefined;
  }
  if (password !== undefined) return password.expands ? `its key is made when it runs (${password.text})` : undefined;
  if (passSource !== undefined) return `its key is read from ${passSource}`;
  return 'its key is not on its command line';
}

/** Flags of openssl enc that are not a cipher (openssl-enc(1)); the one `-word` left is the cipher. */
const FLAGS: ReadonlySet<string> = new Set([
  '-d',
  '-e',
  '-a',
  '-A',
  '-base64',
  '-nosalt',
  '-salt',
  '-pbkdf2',
  '-p',
  '-P',
  '-v',
  '-z',
  '-none',
  '-nopad',
  '-debug',
  '-list',
  '-ciphers',
  '-help',
]);

/** The families of openssl's cipher commands (`openssl list -cipher-commands`): a command named so is a cipher. */
const CIPHER_FAMILIES = ['aes', 'aria', 'bf', 'camellia', 'cast', 'des', 'idea', 'rc2', 'rc4', 'rc5', 'seed', 'sm4'];

function cipherCommand(name: string): string | undefined {
  const lower = name.toLowerCase();
  return name.length <= 40 && CIPHER_FAMILIES.some((family) => lower.startsWith(family)) ? lower : undefined;
}

/**
 * openssl's short names for its ciphers (`openssl list -cipher-algorithms`: "aes256 => AES-256-CBC"), which not every
 * crypto library knows (Electron's BoringSSL knows few aliases).
 */
const ALIASES: Readonly<Record<string, string>> = {
  aes128: 'aes-128-cbc',
  aes192: 'aes-192-cbc',
  aes256: 'aes-256-cbc',
  des3: 'des-ede3-cbc',
  des: 'des-cbc',
  bf: 'bf-cbc',
  blowfish: 'bf-cbc',
  camellia128: 'camellia-128-cbc',
  camellia192: 'camellia-192-cbc',
  camellia256: 'camellia-256-cbc',
  aria128: 'aria-128-cbc',
  aria192: 'aria-192-cbc',
  aria256: 'aria-256-cbc',
  cast: 'cast5-cbc',
  idea: 'idea-cbc',
  seed: 'seed-cbc',
  sm4: 'sm4-cbc',
};

/** Ciphers asked about, and whether this process can run them: a few names, asked again at every read. */
const runnable = new Map<string, CipherFacts | undefined>();
const MAX_CIPHERS_KEPT = 64;

interface CipherFacts {
  mode: string;
  keyLength: number;
  ivLength: number;
}

/**
 * What this process's crypto library says of a cipher openssl names so; undefined when it cannot run it (unknown, or
 * known and not built in: Node's OpenSSL 3 leaves Blowfish and DES to a legacy provider it does not load).
 */
function cipherInfo(name: string): CipherFacts | undefined {
  if (runnable.has(name)) return runnable.get(name);
  let facts: CipherFacts | undefined;
  try {
    const canonical = ALIASES[name] ?? name;
    const info = getCipherInfo(canonical);
    if (info?.mode !== undefined) {
      const ivLength = info.ivLength ?? 0;
      createDecipheriv(canonical, Buffer.alloc(info.keyLength), ivLength > 0 ? Buffer.alloc(ivLength) : null);
      facts = { mode: info.mode, keyLength: info.keyLength, ivLength };
    }
  } catch {
    facts = undefined;
  }
  if (runnable.size < MAX_CIPHERS_KEPT) runnable.set(name, facts);
  return facts;
}

/**
 * What the decryptions make of the data on the command line (its base64 and hex words, decoded by the caller),
 * kept when it reads as text; `unread` when one could not be run or none of the data opened with it.
 */
export function decryptedTexts(
  decryptions: OpensslDecryption[],
  blobs: Buffer[],
  readsAsText: (text: string) => boolean,
): { texts: string[]; unread?: string } {
  const texts: string[] = [];
  let unread: string | undefined;
  const budget = { bytes: MAX_DECRYPTED_BYTES, rounds: MAX_PBKDF2_ROUNDS };
  for (const decryption of decryptions) {
    if (decryption.missing !== undefined) {
      unread ??= `text it decrypts with openssl (${decryption.cipher}): ${decryption.missing}`;
      continue;
    }
    let opened = false;
    for (const blob of blobs) {
      const text = decryptOne(decryption, blob, budget);
      if (text === 'over budget') {
        unread ??= `more encrypted data than is decrypted (openssl ${decryption.cipher})`;
        break;
      }
      if (text !== undefined && readsAsText(text)) {
        texts.push(text);
        opened = true;
      }
    }
    if (!opened)
      unread ??=
        decryption.input !== undefined
          ? `text it decrypts with openssl (${decryption.cipher}) from ${decryption.input}`
          : `text it decrypts with openssl (${decryption.cipher}): no data on its command line opens with its key`;
  }
  return unread !== undefined ? { texts, unread } : { texts };
}

/** One blob decrypted with one decryption's key, each digest tried; undefined when none gives valid padding. */
function decryptOne(
  decryption: OpensslDecryption,
  blob: Buffer,
  budget: { bytes: number; rounds: number },
): string | undefined | 'over budget' {
  const info = cipherInfo(decryption.cipher);
  if (info === undefined) return undefined;
  const { ivLength } = info;
  if (decryption.key !== undefined) {
    budget.bytes -= blob.length;
    if (budget.bytes < 0) return 'over budget';
    // openssl pads a short -K or -iv with zero bytes (OpenSSL 3.0's own words: "hex string is too short, padding
    // with zero bytes to length").
    return run(decryption.cipher, sized(decryption.key, info.keyLength), sized(decryption.iv, ivLength), blob);
  }
  const salted = decryption.salted && blob.length >= 16 && blob.subarray(0, 8).equals(SALT_MAGIC);
  // Data written with a salt starts with it; without one it cannot, so a blob of the wrong kind is passed over.
  if (decryption.salted !== salted) return undefined;
  const salt = salted ? blob.subarray(8, 16) : undefined;
  const data = salted ? blob.subarray(16) : blob;
  for (const digest of decryption.digests) {
    budget.bytes -= data.length;
    budget.rounds -= decryption.pbkdf2Rounds;
    if (budget.bytes < 0 || budget.rounds < 0) return 'over budget';
    const derived = derive(decryption, digest, salt, info.keyLength + ivLength);
    if (derived === undefined) continue;
    const text = run(
      decryption.cipher,
      derived.subarray(0, info.keyLength),
      derived.subarray(info.keyLength, info.keyLength + ivLength),
      data,
    );
    if (text !== undefined) return text;
  }
  return undefined;
}

/** Key and IV bytes as openssl enc derives them from the password (see the top of this file). */
function derive(decryption: OpensslDecryption, digest: string, salt: Buffer | undefined, length: number) {
  const password = decryption.password ?? Buffer.alloc(0);
  try {
    if (decryption.pbkdf2Rounds > 0)
      return pbkdf2Sync(password, salt ?? Buffer.alloc(0), decryption.pbkdf2Rounds, length, digest);
    // EVP_BytesToKey, one round: D1 = H(password || salt), Di = H(Di-1 || password || salt).
    const parts: Buffer[] = [];
    let total = 0;
    let previous = Buffer.alloc(0);
    while (total < length) {
      const hash = createHash(digest).update(previous).update(password);
      if (salt !== undefined) hash.update(salt);
      previous = hash.digest();
      parts.push(previous);
      total += previous.length;
    }
    return Buffer.concat(parts);
  } catch {
    return undefined;
  }
}

/** The data decrypted, as UTF-8; undefined when the cipher refuses it (bad padding: the wrong key or digest). */
function run(cipher: string, key: Buffer, iv: Buffer, data: Buffer): string | undefined {
  try {
    const decipher = createDecipheriv(ALIASES[cipher] ?? cipher, key, iv.length > 0 ? iv : null);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** `bytes` cut or padded with zero bytes to `length`. */
function sized(bytes: Buffer | undefined, length: number): Buffer {
  const out = Buffer.alloc(length);
  bytes?.copy(out, 0, 0, Math.min(length, bytes.length));
  return out;
}

function startsWord(text: string, at: number): boolean {
  if (at === 0) return true;
  const c = text[at - 1] as string;
  return c === '/' || c === '(' || c === '|' || c === ';' || c === '&' || c === '"' || c === "'" || isBlank(c);
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}
