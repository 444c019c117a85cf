// --redact: a report safe to post in public. The user name, host name, home folder paths, e-mail
// addresses and wallet-like strings become stable placeholders, in every string of the result.
import type { ScanResult } from '../model';

const WALLET =
  /(?<![1-9A-HJ-NP-Za-km-z])(?:[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?|bc1[02-9ac-hj-np-z]{25,87}|[13][1-9A-HJ-NP-Za-km-z]{25,34}|0x[0-9a-fA-F]{40})(?![1-9A-HJ-NP-Za-km-z])/g;
// Other coins' addresses (Koto k1..., Ravencoin R..., ...): long alphanumeric runs mixing upper case, lower
// case and digits. Hex digests (SHA-256) have no upper case and stay.
const WALLET_LIKE = /(?<![A-Za-z0-9])[A-Za-z0-9]{26,110}(?![A-Za-z0-9])/g;

export function redactResult(result: ScanResult): ScanResult {
  const names = new Map<string, string>();
  const numbered = (kind: string, value: string): string => {
    const key = `${kind}:${value}`;
    let name = names.get(key);
    if (!name) {
      name = `<${kind}-${[...names.keys()].filter((k) => k.startsWith(`${kind}:`)).length + 1}>`;
      names.set(key, name);
    }
    return name;
  };
  const user = result.user?.name;
  const home = result.user?.home;
  const host = result.host.hostname;
  const hostShort = host.split('.')[0] ?? host;

  const redactText = (text: string): string => {
    let out = text;
    if (home && home.length > 1) out = out.split(home).join(`${home.slice(0, home.lastIndexOf('/') + 1)}<user>`);
    out = out.replace(WALLET, (w) => numbered('wallet', w));
    out = out.replace(WALLET_LIKE, (w) =>
      /[A-Z]/.test(w) && /[a-z]/.test(w) && /\d/.test(w) ? numbered('wallet', w) : w,
    );
    out = replaceEmails(out, (e) => numbered('email', e));
    if (host) out = replaceWord(out, host, '<host>');
    if (hostShort && hostShort.length >= 3 && hostShort !== host) out = replaceWord(out, hostShort, '<host>');
    if (user && user.length >= 2) out = replaceWord(out, user, '<user>');
    return out;
  };
  const redacted = walk(result, redactText) as ScanResult;
  // The serial number names the one Mac outright: a public report has none, and no logged-in user either.
  if (redacted.host.machine) {
    const { serial: _serial, loggedInUser, ...facts } = redacted.host.machine;
    redacted.host = { ...redacted.host, machine: { ...facts, ...(loggedInUser ? { loggedInUser: '<user>' } : {}) } };
  }
  return redacted;
}

const LOCAL_PART = /[A-Za-z0-9._%+-]/;
const DOMAIN_PART = /[A-Za-z0-9.-]/;

/**
 * E-mail addresses (`local@domain.tld`) replaced, found from each `@` outwards in one pass: a pattern
 * such as /[\w.]+@[\w.]+\.[a-z]{2,}/ retries every start on long runs of dots and takes seconds per 100 KB.
 */
export function replaceEmails(text: string, replace: (email: string) => string): string {
  let out = '';
  let copied = 0;
  let searchFrom = 0;
  for (;;) {
    const at = text.indexOf('@', searchFrom);
    if (at < 0) break;
    searchFrom = at + 1;
    let start = at;
    while (start > copied && LOCAL_PART.test(text[start - 1] as string)) start--;
    let end = at + 1;
    while (end < text.length && DOMAIN_PART.test(text[end] as string)) end++;
    // The domain ends with a dot and two or more letters; trailing dots and hyphens are not part of it.
    while (end > at + 1 && !isLetter(text[end - 1] as string)) end--;
    let tld = end;
    while (tld > at + 1 && isLetter(text[tld - 1] as string)) tld--;
    if (start === at || end - tld < 2 || tld - 1 <= at + 1 || text[tld - 1] !== '.') continue;
    out += text.slice(copied, start) + replace(text.slice(start, end));
    copied = end;
    searchFrom = end;
  }
  return out + text.slice(copied);
}

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function replaceWord(text: string, word: string, placeholder: string): string {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'gi'), placeholder);
}

/** A deep copy with every string (keys of maps too) passed through `change`. */
function walk(value: unknown, change: (s: string) => string): unknown {
  if (typeof value === 'string') return change(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, change));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [walk(k, change), walk(v, change)]));
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [change(k), walk(v, change)]));
  }
  return value;
}
