// ps prints argv through strvis(3) (VIS_TAB | VIS_NL | VIS_NOSLASH): control and 8-bit bytes become
// `\^X`, `\M-X`, `\M^X` or octal `\ddd`; backslashes themselves are not escaped.

const VIS_SEQUENCE = /\\(?:\^(.)|M-(.)|M\^(.)|([0-3][0-7]{2}))/gs;

/** Decodes strvis escapes back to the original bytes, then reads them as UTF-8. */
export function decodeVis(text: string): string {
  if (!text.includes('\\')) return text;
  const bytes: number[] = [];
  let last = 0;
  for (const match of text.matchAll(VIS_SEQUENCE)) {
    pushUtf8(bytes, text.slice(last, match.index));
    const [, ctrl, meta, metaCtrl, octal] = match;
    if (ctrl !== undefined) bytes.push(controlByte(ctrl));
    else if (meta !== undefined) bytes.push((meta.charCodeAt(0) | 0x80) & 0xff);
    else if (metaCtrl !== undefined) bytes.push((controlByte(metaCtrl) | 0x80) & 0xff);
    else if (octal !== undefined) bytes.push(parseInt(octal, 8));
    last = match.index + match[0].length;
  }
  pushUtf8(bytes, text.slice(last));
  return Buffer.from(bytes).toString('utf8');
}

/** Encodes a string the way ps shows it under LC_ALL=C, to compare argv with ps output. */
export function encodeVis(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else if (byte < 0x20) out += `\\^${String.fromCharCode(byte + 0x40)}`;
    else if (byte === 0x7f) out += '\\^?';
    else {
      const low = byte & 0x7f;
      if (low < 0x20) out += `\\M^${String.fromCharCode(low + 0x40)}`;
      else if (low === 0x7f) out += '\\M^?';
      else out += `\\M-${String.fromCharCode(low)}`;
    }
  }
  return out;
}

function controlByte(char: string): number {
  return char === '?' ? 0x7f : char.charCodeAt(0) & 0x1f;
}

function pushUtf8(bytes: number[], text: string): void {
  for (const byte of Buffer.from(text, 'utf8')) bytes.push(byte);
}
