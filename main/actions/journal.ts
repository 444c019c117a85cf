// The write-ahead journal: one JSON record per action, rewritten atomically before and after every step,
// so that after a crash the next start knows exactly how far each action got.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
  /** Access and modification times of the original, so undo puts them back too. */
  atimeMs?: number;
  mtimeMs?: number;
  /**
   * The original was moved into the administrator's quarantine (a root-owned folder: the helper's hold), and Undo
   * moves it back from there; the copy at `backupPath` is the user's record of it.
   */
  heldByAdmin?: boolean;
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

const recordSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9-]+$/),
    type: z.literal('disable'),
    status: z.enum(['running', 'done', 'failed', 'rolled-back', 'undoing', 'undone']),
    plan: z
      .object({
        itemId: z.string(),
        label: z.string(),
        plistPath: z.string(),
        kind: z.string(),
        needsAdmin: z.boolean(),
        steps: z.array(z.object({ kind: z.string(), description: z.string() }).passthrough()),
      })
      .passthrough(),
    steps: z.array(z.object({ kind: z.string(), description: z.string(), status: z.string() }).passthrough()),
    messages: z.array(z.string()),
  })
  .passthrough();

/** A journal record that cannot be read: named, with what could still be made out of it. */
export interface UnreadableRecord {
  id: string;
  path: string;
  problem: string;
  /** The record says an administrator was needed (its file is then put back only from the administrator's quarantine). */
  needsAdmin?: boolean;
  /** The quarantined copy it points at, when the record still says where (and the copy is in the quarantine). */
  backup?: Partial<BackupRecord> & { originalPath: string; backupPath: string };
  label?: string;
}

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

  private cached:
    | { stamp: string; value: { records: ActionRecord[]; problems: string[]; unreadable: UnreadableRecord[] } }
    | undefined;

  /**
   * Every record, newest first; a record that cannot be read is named, never silently dropped. The
   * app asks on every tick: the folder is read again only when a write (a rename into it) changed it.
   */
  list(): { records: ActionRecord[]; problems: string[]; unreadable: UnreadableRecord[] } {
    const info = statSync(this.actionsDir);
    const stamp = `${info.mtimeMs}:${info.size}:${info.ino}`;
    if (this.cached?.stamp === stamp) return this.cached.value;
    const value = this.readAll();
    this.cached = { stamp, value };
    return value;
  }

  private readAll(): { records: ActionRecord[]; problems: string[]; unreadable: UnreadableRecord[] } {
    const records: ActionRecord[] = [];
    const unreadable: UnreadableRecord[] = [];
    for (const name of readdirSync(this.actionsDir)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const path = join(this.actionsDir, name);
      const id = name.slice(0, -'.json'.length);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        unreadable.push(this.salvage(id, path, `not readable JSON: ${(error as Error).message}`, undefined));
        continue;
      }
      const parsed = recordSchema.safeParse(json);
      if (parsed.success) records.push(parsed.data as unknown as ActionRecord);
      else
        unreadable.push(
          this.salvage(
            id,
            path,
            `field "${parsed.error.issues[0]?.path.join('.')}": ${parsed.error.issues[0]?.message}`,
            json,
          ),
        );
    }
    records.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    return { records, problems: unreadable.map((u) => `${u.path}: ${u.problem}`), unreadable };
  }

  /**
   * What a damaged record still says about its quarantined copy. Only a copy inside this journal's own
   * quarantine folder for this id is ever trusted: a record is a file someone could have edited.
   */
  private salvage(id: string, path: string, problem: string, json: unknown): UnreadableRecord {
    const out: UnreadableRecord = { id, path, problem };
    const record =
      typeof json === 'object' && json !== null
        ? (json as { backup?: unknown; plan?: { label?: unknown; needsAdmin?: unknown } })
        : {};
    if (typeof record.plan?.label === 'string') out.label = record.plan.label;
    if (record.plan?.needsAdmin === true) out.needsAdmin = true;
    const backup =
      typeof record.backup === 'object' && record.backup !== null
        ? (record.backup as Record<string, unknown>)
        : undefined;
    const folder = join(this.quarantineDir, id);
    const text = (key: string): string | undefined =>
      typeof backup?.[key] === 'string' ? (backup[key] as string) : undefined;
    const number = (key: string): number | undefined =>
      typeof backup?.[key] === 'number' ? (backup[key] as number) : undefined;
    const originalPath = text('originalPath');
    const backupPath = text('backupPath');
    if (
      originalPath?.startsWith('/') &&
      backupPath !== undefined &&
      dirname(backupPath) === folder &&
      basename(backupPath) === basename(originalPath)
    ) {
      out.backup = { originalPath, backupPath };
      const sha = text('sha256');
      if (sha !== undefined) out.backup.sha256 = sha;
      for (const key of ['mode', 'uid', 'gid', 'size', 'atimeMs', 'mtimeMs'] as const) {
        const value = number(key);
        if (value !== undefined) out.backup[key] = value;
      }
      if (backup?.heldByAdmin === true) out.backup.heldByAdmin = true;
    }
    return out;
  }
}
