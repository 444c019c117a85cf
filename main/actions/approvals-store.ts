// The approved inventory on disk (approvals.json in the state folder), and its import and export as
// JSON so IT can hand one file to many Macs (docs/approvals.md). A bad file is refused with the field that is wrong.
// Within version 1 fields are only added, never renamed or given a new meaning: a field this Launchwatch does not
// know (one a newer Launchwatch wrote) is kept as it was whenever the file is written again, and said, so moving
// between versions loses nothing. A change an older Launchwatch must not ignore comes as version 2, which it refuses.
import { z } from 'zod';
import { MAX_APPROVALS, MAX_APPROVALS_TEXT } from '../engine/approval-limits';
import type { Approval } from '../engine/approvals';
import { safeTerminalText } from '../engine/terminal-text';
import { readRegularFileSync } from '../platform/regular-file';
import { writeFileAtomic } from './atomic-file';

/** Fields this version does not know, in one approval or in the file itself. */
const MAX_UNKNOWN_FIELDS = 16;
/** An unknown field's value, as JSON: a digest, a date, a small object. */
const MAX_UNKNOWN_VALUE = 4096;
const MAX_FIELD_NAME = 64;
/** Unknown fields named one by one in a note; the rest are counted. */
const MAX_NAMED = 10;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex');
const approvalShape = {
  label: z.string().max(1024),
  plistPath: z.string().startsWith('/').max(4096),
  plistSha256: hex64,
  programSha256: hex64.optional(),
  program: z.string().max(4096).optional(),
  filesSha256: hex64.optional(),
  scriptFilesSha256: hex64.optional(),
  scriptChainFilesSha256: hex64.optional(),
  librariesSha256: hex64.optional(),
  note: z.string().max(2000).optional(),
  cpuLimitPercent: z.number().finite().min(1).max(100_000).optional(),
  approvedBy: z.string().max(256),
  approvedAt: z.string().datetime({ offset: true }),
};
const fileShape = {
  format: z.literal('launchwatch-approvals'),
  version: z.literal(1, 'version 1 is the one this Launchwatch reads (a newer Launchwatch wrote this file)'),
  approvals: z.array(z.unknown()).max(MAX_APPROVALS, `at most ${MAX_APPROVALS} approvals`),
};
// Known fields are checked by the schemas; the rest are read from the parsed JSON itself (unknownFields), which holds
// every name as its own property, `__proto__` included, where a schema's output may not.
const approvalSchema = z.object(approvalShape);
const fileSchema = z.object(fileShape);

type Fields = Record<string, unknown>;

/** What a file held besides its approvals: the fields of each approval, and of the file, this version does not know. */
const unknownOfApproval = new WeakMap<Approval, Fields>();

export class ApprovalError extends Error {}

export interface ApprovalsRead {
  approvals: Approval[];
  /** What the reader should know: fields kept but not checked, an item approved twice. Each starts with the origin. */
  notes: string[];
  /** The file's own fields this version does not know, kept when the store writes the file again. */
  fileFields: Fields;
}

export function readApprovals(text: string, origin: string): ApprovalsRead {
  if (text.length > MAX_APPROVALS_TEXT) throw new ApprovalError(`${origin}: larger than ${mib(MAX_APPROVALS_TEXT)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ApprovalError(`${origin}: not JSON: ${(error as Error).message}`);
  }
  const file = fileSchema.safeParse(json);
  if (!file.success) throw fieldError(origin, file.error, []);
  const fileFields = unknownFields(json as Fields, fileShape, origin, []);
  const approvals: Approval[] = [];
  const unknownNames = new Map<string, number>();
  file.data.approvals.forEach((entry, index) => {
    const parsed = approvalSchema.safeParse(entry);
    if (!parsed.success) throw fieldError(origin, parsed.error, ['approvals', index]);
    const approval = withoutUndefined(parsed.data) as unknown as Approval;
    const unknown = unknownFields(entry as Fields, approvalShape, origin, ['approvals', index]);
    if (Object.keys(unknown).length > 0) unknownOfApproval.set(approval, unknown);
    for (const name of Object.keys(unknown)) unknownNames.set(name, (unknownNames.get(name) ?? 0) + 1);
    approvals.push(approval);
  });
  const notes: string[] = [];
  if (unknownNames.size > 0) {
    const all = [...unknownNames].map(([name, n]) => `${name} (${count(n, 'approval')})`);
    const named = all.length > MAX_NAMED ? [...all.slice(0, MAX_NAMED), `${all.length - MAX_NAMED} more`] : all;
    notes.push(
      `${origin}: fields this Launchwatch does not know, kept in the file but not checked (a newer Launchwatch wrote ` +
        `them; an approval holds for what this one checks): ${named.join(', ')}`,
    );
  }
  if (Object.keys(fileFields).length > 0)
    notes.push(`${origin}: fields of the file this Launchwatch does not know: ${Object.keys(fileFields).join(', ')}`);
  const twice = approvedTwice(approvals);
  if (twice.length > 0)
    notes.push(
      `${origin}: approved more than once, the last approval counts: ${twice.slice(0, 5).join(', ')}` +
        (twice.length > 5 ? ` and ${twice.length - 5} more` : ''),
    );
  return { approvals: lastOfEach(approvals), notes, fileFields };
}

/** The file's text: each approval's fields in their order, then those this version does not know, as they were. */
export function serializeApprovals(approvals: Approval[], fileFields: Fields = {}): string {
  const written = approvals.map((a) => ({ ...a, ...withoutKnown(unknownOfApproval.get(a), approvalShape) }));
  const file = {
    format: 'launchwatch-approvals',
    version: 1,
    approvals: written,
    ...withoutKnown(fileFields, fileShape),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * An approvals file's text, read only if it is a regular file of at most MAX_APPROVALS_TEXT bytes (a device, a FIFO or
 * a huge file is refused before a byte of it is read, through the one open file: regular-file.ts); undefined when
 * there is none.
 */
export function readApprovalsFile(path: string): string | undefined {
  try {
    const got = readRegularFileSync(path, MAX_APPROVALS_TEXT);
    if (got.refused === 'not a regular file') throw new ApprovalError(`${path}: not a file`);
    if (got.bytes === undefined) throw new ApprovalError(`${path}: larger than ${mib(MAX_APPROVALS_TEXT)}`);
    return got.bytes.toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof ApprovalError) throw error;
    throw new ApprovalError(`${path}: ${(error as Error).message}`);
  }
}

export interface ImportOutcome {
  count: number;
  notes: string[];
}

export class ApprovalsStore {
  constructor(readonly path: string) {}

  /** The inventory as the file holds it; no file is none approved. */
  read(): ApprovalsRead {
    const text = readApprovalsFile(this.path);
    return text === undefined ? { approvals: [], notes: [], fileFields: {} } : readApprovals(text, this.path);
  }

  list(): Approval[] {
    return this.read().approvals;
  }

  /** Adds or replaces the approval for the same plist path and label. */
  approve(approval: Approval): void {
    const { approvals, fileFields } = this.read();
    this.write([...notIn(approvals, [approval]), approval], fileFields);
  }

  unapprove(match: (a: Approval) => boolean): Approval[] {
    const { approvals, fileFields } = this.read();
    const removed = approvals.filter(match);
    if (removed.length > 0)
      this.write(
        approvals.filter((a) => !match(a)),
        fileFields,
      );
    return removed;
  }

  /** Merges an imported file: its approvals replace ours for the same items, with every field they carry. */
  import(text: string, origin: string): ImportOutcome {
    const incoming = readApprovals(text, origin);
    const { approvals, fileFields } = this.read();
    this.write([...notIn(approvals, incoming.approvals), ...incoming.approvals], fileFields);
    return { count: incoming.approvals.length, notes: incoming.notes };
  }

  export(): string {
    const { approvals, fileFields } = this.read();
    return serializeApprovals(approvals, fileFields);
  }

  private write(approvals: Approval[], fileFields: Fields): void {
    if (approvals.length > MAX_APPROVALS)
      throw new ApprovalError(`${this.path}: at most ${MAX_APPROVALS} approvals; remove some first`);
    const text = serializeApprovals(approvals, fileFields);
    if (text.length > MAX_APPROVALS_TEXT)
      throw new ApprovalError(
        `${this.path}: would be larger than ${mib(MAX_APPROVALS_TEXT)}; remove some approvals first`,
      );
    writeFileAtomic(this.path, text);
  }
}

function itemKey(a: Approval): string {
  return JSON.stringify([a.plistPath, a.label]);
}

/** Approvals of `approvals` whose items `others` does not approve. */
function notIn(approvals: Approval[], others: Approval[]): Approval[] {
  const keys = new Set(others.map(itemKey));
  return approvals.filter((a) => !keys.has(itemKey(a)));
}

/** Items approved more than once in one file, named by label (or plist). */
function approvedTwice(approvals: Approval[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const a of approvals) {
    const key = itemKey(a);
    if (seen.has(key)) twice.add(a.label || a.plistPath);
    seen.add(key);
  }
  return [...twice];
}

/** One approval an item, the last the file gives (as an import replaces an earlier approval). */
function lastOfEach(approvals: Approval[]): Approval[] {
  const last = new Map(approvals.map((a) => [itemKey(a), a]));
  return approvals.filter((a) => last.get(itemKey(a)) === a);
}

/**
 * The fields of a parsed object the schema does not name, checked: few, named plainly, small, and not a known field
 * misspelt (`programSHA256` ignored would vouch for any program, so it is refused, not kept).
 */
function unknownFields(value: Fields, shape: Fields, origin: string, at: (string | number)[]): Fields {
  const names = Object.keys(value).filter((key) => !Object.hasOwn(shape, key));
  const refuse = (name: string, message: string): ApprovalError =>
    new ApprovalError(`${origin}: field "${[...at, name].join('.')}": ${message}`);
  if (names.length > MAX_UNKNOWN_FIELDS)
    throw refuse(
      names[MAX_UNKNOWN_FIELDS] ?? '',
      `more than ${MAX_UNKNOWN_FIELDS} fields this Launchwatch does not know`,
    );
  const unknown: Fields = {};
  for (const name of names) {
    const problem = unknownFieldProblem(name, value[name], Object.keys(shape));
    // A name that is not plain is shown by its characters' codes, cut to what a field's name may be.
    if (problem) throw refuse(isPlainName(name) ? name : safeTerminalText(name.slice(0, MAX_FIELD_NAME)), problem);
    unknown[name] = value[name];
  }
  return unknown;
}

function unknownFieldProblem(key: string, value: unknown, known: string[]): string | undefined {
  if (!isPlainName(key)) return `not a field of version 1 (a field's name is a letter, then letters, digits and _)`;
  const meant = known.find((name) => closeTo(key, name));
  if (meant) return `not a field of version 1; did you mean "${meant}"?`;
  const json = JSON.stringify(value);
  if (json.length > MAX_UNKNOWN_VALUE)
    return `a field this Launchwatch does not know, larger than ${MAX_UNKNOWN_VALUE} characters as JSON`;
  return undefined;
}

function isPlainName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_FIELD_NAME) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    // A letter first: `__proto__` and its kind are no field of ours, and never kept.
    if (!(letter || (i > 0 && (c === 95 || (c >= 48 && c <= 57))))) return false;
  }
  return true;
}

/**
 * A known name misspelt: the same but for case, or a letter or two added, dropped, changed or two swapped (one such
 * edit in a name of fewer than 8 letters, where two make another word). Names are at most 64 characters.
 */
export function closeTo(a: string, b: string): boolean {
  if (a.toLowerCase() === b.toLowerCase()) return true;
  const most = Math.min(a.length, b.length) < 8 ? 1 : 2;
  if (Math.abs(a.length - b.length) > most) return false;
  // Edit distance with swaps of neighbours (optimal string alignment), one row at a time.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let cost = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        cost = Math.min(cost, (before[j - 2] ?? 0) + 1);
      row[j] = cost;
    }
    before = previous;
    previous = row;
  }
  return (previous[b.length] ?? 0) <= most;
}

/** A schema's output without the optional fields it left out. */
function withoutUndefined(value: Fields): Fields {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));
}

/** Unknown fields never overwrite a known one (a field this version writes is its own). */
function withoutKnown(fields: Fields | undefined, shape: Fields): Fields {
  return Object.fromEntries(Object.entries(fields ?? {}).filter(([key]) => !Object.hasOwn(shape, key)));
}

function fieldError(origin: string, error: z.ZodError, prefix: (string | number)[]): ApprovalError {
  const issue = error.issues[0];
  const field = [...prefix, ...(issue?.path ?? [])].join('.');
  if (field === '')
    return new ApprovalError(
      `${origin}: expected an object {"format": "launchwatch-approvals", "version": 1, "approvals": [...]}`,
    );
  return new ApprovalError(`${origin}: field "${field}": ${issue?.message ?? 'invalid'}`);
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function mib(bytes: number): string {
  return `${bytes / 1024 / 1024} MiB`;
}
