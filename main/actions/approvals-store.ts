// The approved inventory on disk (approvals.json in the state folder), and its import and export as
// JSON so IT can hand one file to many Macs. A bad file is refused with the field that is wrong.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Approval } from '../engine/approvals';
import { writeFileAtomic } from './atomic-file';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex');
const approvalSchema = z
  .object({
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
  })
  .strict();

const fileSchema = z.object({
  format: z.literal('launchwatch-approvals'),
  version: z.literal(1),
  approvals: z.array(approvalSchema),
});

export class ApprovalError extends Error {}

export function parseApprovals(text: string, origin: string): Approval[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ApprovalError(`${origin}: not JSON: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    if (field === '')
      throw new ApprovalError(
        `${origin}: expected an object {"format": "launchwatch-approvals", "version": 1, "approvals": [...]}`,
      );
    throw new ApprovalError(`${origin}: field "${field}": ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data.approvals as Approval[];
}

export function serializeApprovals(approvals: Approval[]): string {
  return `${JSON.stringify({ format: 'launchwatch-approvals', version: 1, approvals }, null, 2)}\n`;
}

export class ApprovalsStore {
  constructor(readonly path: string) {}

  list(): Approval[] {
    if (!existsSync(this.path)) return [];
    return parseApprovals(readFileSync(this.path, 'utf8'), this.path);
  }

  /** Adds or replaces the approval for the same plist path and label. */
  approve(approval: Approval): void {
    const rest = this.list().filter((a) => !(a.plistPath === approval.plistPath && a.label === approval.label));
    writeFileAtomic(this.path, serializeApprovals([...rest, approval]));
  }

  unapprove(match: (a: Approval) => boolean): Approval[] {
    const all = this.list();
    const removed = all.filter(match);
    if (removed.length > 0) writeFileAtomic(this.path, serializeApprovals(all.filter((a) => !match(a))));
    return removed;
  }

  /** Merges an imported file: its approvals replace ours for the same items. */
  import(text: string, origin: string): number {
    const incoming = parseApprovals(text, origin);
    const keep = this.list().filter((a) => !incoming.some((b) => b.plistPath === a.plistPath && b.label === a.label));
    writeFileAtomic(this.path, serializeApprovals([...keep, ...incoming]));
    return incoming.length;
  }

  export(): string {
    return serializeApprovals(this.list());
  }
}
