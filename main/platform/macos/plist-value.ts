// Property list bytes (XML or binary `bplist00`) to a value, for files an attacker writes. Every key
// launchd accepts is data here: dictionaries have no prototype, so a `__proto__` key is an ordinary
// entry and pollutes nothing. Objects, nesting and the expansion of shared binary references are
// bounded, so a 300-byte file cannot ask for 10^12 objects.
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';

export type PlistValue = string | number | boolean | Date | Uint8Array | null | PlistValue[] | PlistDict;
export interface PlistDict {
  [key: string]: PlistValue;
}

export interface PlistLimits {
  /** Values produced in all, shared binary references counted each time they are used. */
  maxValues: number;
  maxDepth: number;
}

/** launchd plists are a few hundred values; these leave room for any real one. */
export const DEFAULT_PLIST_LIMITS: PlistLimits = { maxValues: 100_000, maxDepth: 64 };

export class PlistError extends Error {}

export function parsePlistBytes(bytes: Uint8Array, limits: PlistLimits = DEFAULT_PLIST_LIMITS): PlistValue {
  const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  if (head === 'bplist00') return new BinaryPlist(bytes, limits).root();
  if (head.startsWith('bplist'))
    throw new PlistError(`binary property list version ${JSON.stringify(head.slice(6))} is not one this reader knows`);
  const text = Buffer.from(bytes)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (!text.startsWith('<'))
    throw new PlistError(
      `not a property list (starts with ${JSON.stringify(Buffer.from(bytes.subarray(0, 8)).toString('latin1'))})`,
    );
  return parseXmlPlist(text, limits);
}

export function newDict(): PlistDict {
  return Object.create(null) as PlistDict;
}

export function isPlistDict(value: unknown): value is PlistDict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

class Budget {
  private used = 0;
  constructor(private readonly limits: PlistLimits) {}
  take(depth: number): void {
    if (++this.used > this.limits.maxValues)
      throw new PlistError(`more than ${this.limits.maxValues} values (shared references expand past the limit)`);
    if (depth > this.limits.maxDepth) throw new PlistError(`nested deeper than ${this.limits.maxDepth} levels`);
  }
}

// --- XML -------------------------------------------------------------------------------------------

function parseXmlPlist(text: string, limits: PlistLimits): PlistValue {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') errors.push(message.split('\n')[0] ?? message);
    },
  }).parseFromString(text, 'text/xml');
  if (errors.length > 0) throw new PlistError(`not well-formed XML: ${errors[0]}`);
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'plist')
    throw new PlistError(`the document's root element is ${root ? `<${root.nodeName}>` : 'missing'}, not <plist>`);
  const children = elements(root);
  if (children.length !== 1) throw new PlistError(`<plist> holds ${children.length} values, not one`);
  return xmlValue(children[0] as Element, new Budget(limits), 1);
}

function elements(node: Node): Element[] {
  const out: Element[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (child.nodeType === 1) out.push(child as Element);
  }
  return out;
}

function textOf(node: Element): string {
  let text = '';
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (child.nodeType === 3 || child.nodeType === 4) text += child.nodeValue ?? '';
  }
  return text;
}

function xmlValue(node: Element, budget: Budget, depth: number): PlistValue {
  budget.take(depth);
  switch (node.nodeName) {
    case 'dict': {
      const dict = newDict();
      const children = elements(node);
      for (let i = 0; i < children.length; i += 2) {
        const key = children[i] as Element;
        const value = children[i + 1];
        if (key.nodeName !== 'key') throw new PlistError(`<dict> has <${key.nodeName}> where a <key> belongs`);
        if (value === undefined) throw new PlistError(`<key>${JSON.stringify(textOf(key))}</key> has no value`);
        if (value.nodeName === 'key')
          throw new PlistError(`<key>${JSON.stringify(textOf(key))}</key> is followed by another <key>`);
        // launchd keeps the last of duplicate keys, as CFPropertyList does.
        dict[textOf(key)] = xmlValue(value, budget, depth + 1);
      }
      return dict;
    }
    case 'array':
      return elements(node).map((child) => xmlValue(child, budget, depth + 1));
    case 'string':
      return textOf(node);
    case 'integer': {
      const text = textOf(node).trim();
      if (!isIntegerText(text))
        throw new PlistError(`<integer> ${JSON.stringify(text.slice(0, 40))} is not an integer`);
      return text.startsWith('0x') || text.startsWith('-0x') ? Number.parseInt(text, 16) : Number(text);
    }
    case 'real': {
      const value = Number(textOf(node).trim());
      if (Number.isNaN(value))
        throw new PlistError(`<real> ${JSON.stringify(textOf(node).trim().slice(0, 40))} is not a number`);
      return value;
    }
    case 'true':
      return true;
    case 'false':
      return false;
    case 'date': {
      const date = new Date(textOf(node).trim());
      if (Number.isNaN(date.getTime()))
        throw new PlistError(`<date> ${JSON.stringify(textOf(node).trim().slice(0, 40))} is not a date`);
      return date;
    }
    case 'data':
      return new Uint8Array(Buffer.from(textOf(node).replace(/\s/g, ''), 'base64'));
    default:
      throw new PlistError(`<${node.nodeName.slice(0, 40)}> is not a property list element`);
  }
}

/** Digits with an optional sign, or 0x hex: checked character by character (no pattern to backtrack). */
function isIntegerText(text: string): boolean {
  let i = text.startsWith('-') || text.startsWith('+') ? 1 : 0;
  let hex = false;
  if (text.startsWith('0x', i)) {
    hex = true;
    i += 2;
  }
  if (i >= text.length) return false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const hexLetter = (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    if (!digit && !(hex && hexLetter)) return false;
  }
  return true;
}

// --- Binary (bplist00, as CoreFoundation's CFBinaryPList.c lays it out) -------------------------------

const EPOCH_2001_MS = 978_307_200_000;

class BinaryPlist {
  private readonly view: DataView;
  private readonly offsets: number[] = [];
  private readonly refSize: number;
  private readonly top: number;
  private readonly budget: Budget;
  /** Objects on the current path: a reference back to one of them is a cycle. */
  private readonly path = new Set<number>();

  constructor(
    private readonly bytes: Uint8Array,
    limits: PlistLimits,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.budget = new Budget(limits);
    if (bytes.length < 8 + 32)
      throw new PlistError('binary property list shorter than its header and trailer (truncated?)');
    const trailer = bytes.length - 32;
    const offsetSize = this.view.getUint8(trailer + 6);
    this.refSize = this.view.getUint8(trailer + 7);
    const count = this.uint(trailer + 8, 8);
    this.top = this.uint(trailer + 16, 8);
    const tableAt = this.uint(trailer + 24, 8);
    if (![1, 2, 4, 8].includes(offsetSize) || ![1, 2, 4, 8].includes(this.refSize))
      throw new PlistError('binary property list trailer has an invalid offset or reference size (truncated?)');
    if (count < 1 || count > limits.maxValues)
      throw new PlistError(`binary property list declares ${count} objects (limit ${limits.maxValues})`);
    if (tableAt < 8 || tableAt + count * offsetSize > trailer)
      throw new PlistError('binary property list offset table lies outside the file (truncated?)');
    if (this.top >= count) throw new PlistError('binary property list top object is not in its offset table');
    for (let i = 0; i < count; i++) {
      const offset = this.uint(tableAt + i * offsetSize, offsetSize);
      if (offset < 8 || offset >= tableAt)
        throw new PlistError(`binary property list object ${i} lies outside the object area`);
      this.offsets.push(offset);
    }
  }

  root(): PlistValue {
    return this.object(this.top, 1);
  }

  private uint(at: number, size: number): number {
    if (at < 0 || at + size > this.bytes.length)
      throw new PlistError('binary property list reads past its end (truncated?)');
    switch (size) {
      case 1:
        return this.view.getUint8(at);
      case 2:
        return this.view.getUint16(at);
      case 4:
        return this.view.getUint32(at);
      case 8: {
        const value = this.view.getBigUint64(at);
        if (value > BigInt(Number.MAX_SAFE_INTEGER))
          throw new PlistError('binary property list has an out-of-range offset or count');
        return Number(value);
      }
      default:
        throw new PlistError(`binary property list has an integer of ${size} bytes`);
    }
  }

  private object(ref: number, depth: number): PlistValue {
    this.budget.take(depth);
    const start = this.offsets[ref];
    if (start === undefined) throw new PlistError(`binary property list refers to object ${ref}, which does not exist`);
    if (this.path.has(ref)) throw new PlistError('binary property list contains a reference cycle');
    const marker = this.view.getUint8(start);
    const type = marker >> 4;
    const info = marker & 0x0f;
    switch (type) {
      case 0x0:
        if (marker === 0x00) return null;
        if (marker === 0x08) return false;
        if (marker === 0x09) return true;
        throw new PlistError(`binary property list has unknown marker 0x${marker.toString(16)}`);
      case 0x1: {
        const size = 1 << info;
        if (size === 8) return Number(this.checked(start + 1, 8) && this.view.getBigInt64(start + 1));
        if (size === 16) return Number(this.checked(start + 1, 16) && this.view.getBigInt64(start + 9));
        return this.uint(start + 1, size);
      }
      case 0x2: {
        const size = 1 << info;
        if (size === 4) return this.checked(start + 1, 4) && this.view.getFloat32(start + 1);
        if (size === 8) return this.checked(start + 1, 8) && this.view.getFloat64(start + 1);
        throw new PlistError(`binary property list has a real of ${size} bytes`);
      }
      case 0x3:
        this.checked(start + 1, 8);
        return new Date(this.view.getFloat64(start + 1) * 1000 + EPOCH_2001_MS);
      case 0x4: {
        const { length, at } = this.length(start, info);
        this.checked(at, length);
        return this.bytes.slice(at, at + length);
      }
      case 0x5: {
        const { length, at } = this.length(start, info);
        this.checked(at, length);
        return Buffer.from(this.bytes.subarray(at, at + length)).toString('latin1');
      }
      case 0x6: {
        const { length, at } = this.length(start, info);
        this.checked(at, length * 2);
        const swapped = Buffer.from(this.bytes.subarray(at, at + length * 2));
        swapped.swap16();
        return swapped.toString('utf16le');
      }
      case 0x8:
        return this.uint(start + 1, info + 1);
      case 0xa:
      case 0xc: {
        const { length, at } = this.length(start, info);
        this.checked(at, length * this.refSize);
        this.path.add(ref);
        const out: PlistValue[] = [];
        for (let i = 0; i < length; i++)
          out.push(this.object(this.uint(at + i * this.refSize, this.refSize), depth + 1));
        this.path.delete(ref);
        return out;
      }
      case 0xd: {
        const { length, at } = this.length(start, info);
        this.checked(at, length * 2 * this.refSize);
        this.path.add(ref);
        const dict = newDict();
        for (let i = 0; i < length; i++) {
          const key = this.object(this.uint(at + i * this.refSize, this.refSize), depth + 1);
          if (typeof key !== 'string')
            throw new PlistError('binary property list has a dictionary key that is not a string');
          dict[key] = this.object(this.uint(at + (length + i) * this.refSize, this.refSize), depth + 1);
        }
        this.path.delete(ref);
        return dict;
      }
      default:
        throw new PlistError(`binary property list has unknown object type 0x${type.toString(16)}`);
    }
  }

  /** Count of a string, data, array or dict: in the marker, or (0xF) in an integer object after it. */
  private length(start: number, info: number): { length: number; at: number } {
    if (info !== 0x0f) return { length: info, at: start + 1 };
    const marker = this.uint(start + 1, 1);
    if (marker >> 4 !== 0x1) throw new PlistError('binary property list has a malformed length');
    const size = 1 << (marker & 0x0f);
    if (size > 8) throw new PlistError('binary property list has a malformed length');
    return { length: this.uint(start + 2, size), at: start + 2 + size };
  }

  private checked(at: number, length: number): true {
    if (length < 0 || at + length > this.bytes.length)
      throw new PlistError('binary property list reads past its end (truncated?)');
    return true;
  }
}
