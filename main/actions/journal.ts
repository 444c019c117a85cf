// The write-ahead journal: one JSON record per action, rewritten atomically before and after every step,
// so that after a crash the next start knows exactly how far each action got.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { DisablePlan, StepKind } from '../engine/actions/plan';
import { writeFileAtomic } from './atomic-file';

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'rolled-back';
export type ActionStatus = 'running' | 'done' | 'failed' | 'rolled-back' | 'undoing' | 'undone';

export interface StepRecord {
  kind: StepKind | 'restore' | 'enable' | 'bootstrap' | 'systemctl-enable' | 'systemctl-start';
  description: string;
  status: StepStatus;
  argv?: string[];
  /** The command's own words, when it said something. */
  output?: string;
  at?: string;
}

export interface BackupRecord {
  originalPath: string;
  backupPath: string;
  mode: number;
  uid: number;
  gid: number;
  sha256: string;
  size: number;
}

export interface ActionRecord {
  id: string;
  type: 'disable';
  createdAt: string;
  updatedAt: string;
  status: ActionStatus;
  plan: DisablePlan;
  backup?: BackupRecord;
  steps: StepRecord[];
  undoSteps?: StepRecord[];
  /** What happened, in words for the user (failures, recoveries). */
  messages: string[];
}

const recordSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]+$/),
  type: z.literal('disable'),
  status: z.enum(['running', 'done', 'failed', 'rolled-back', 'undoing', 'undone']),
  plan: z.object({ itemId: z.string(), label: z.string(), plistPath: z.string(), kind: z.string(), needsAdmin: z.boolean(), steps: z.array(z.object({ kind: z.string(), description: z.string() }).passthrough()) }).passthrough(),
  steps: z.array(z.object({ kind: z.string(), description: z.string(), status: z.string() }).passthrough()),
  messages: z.array(z.string()),
}).passthrough();

export class Journal {
  readonly actionsDir: string;
  readonly quarantineDir: string;

  constructor(readonly stateDir: string) {
    this.actionsDir = join(stateDir, 'actions');
    this.quarantineDir = join(stateDir, 'quarantine');
    mkdirSync(this.actionsDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.quarantineDir, { recursive: true, mode: 0o700 });
  }

  save(record: ActionRecord): void {
    record.updatedAt = new Date().toISOString();
    writeFileAtomic(join(this.actionsDir, `${record.id}.json`), `${JSON.stringify(record, null, 2)}\n`);
    // Folder times can be coarse: a write from this process always refreshes the next list.
    this.cached = undefined;
  }

  get(id: string): ActionRecord | undefined {
    return this.list().records.find((r) => r.id === id);
  }

  private cached: { stamp: string; value: { records: ActionRecord[]; problems: string[] } } | undefined;

  /**
   * Every record, newest first; a record that cannot be read is named, never silently dropped. The
   * app asks on every tick: the folder is read again only when a write (a rename into it) changed it.
   */
  list(): { records: ActionRecord[]; problems: string[] } {
    const info = statSync(this.actionsDir);
    const stamp = `${info.mtimeMs}:${info.size}:${info.ino}`;
    if (this.cached?.stamp === stamp) return this.cached.value;
    const value = this.readAll();
    this.cached = { stamp, value };
    return value;
  }

  private readAll(): { records: ActionRecord[]; problems: string[] } {
    const records: ActionRecord[] = [];
    const problems: string[] = [];
    for (const name of readdirSync(this.actionsDir).filter((n) => n.endsWith('.json')).sort()) {
      try {
        const parsed = recordSchema.safeParse(JSON.parse(readFileSync(join(this.actionsDir, name), 'utf8')));
        if (parsed.success) records.push(parsed.data as unknown as ActionRecord);
        else problems.push(`${join(this.actionsDir, name)}: field "${parsed.error.issues[0]?.path.join('.')}": ${parsed.error.issues[0]?.message}`);
      } catch (error) {
        problems.push(`${join(this.actionsDir, name)}: ${(error as Error).message}`);
      }
    }
    records.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    return { records, problems };
  }
}
