// This Mac's memory: when each launch item was first seen, every change of its plist, program or the scripts and
// configs it names, every verdict change, every destination (first seen, last seen, count) and an hourly CPU
// summary per item, in SQLite in the state folder. Write-ahead log with full sync: a kill -9 at any moment loses
// at most the transaction in flight. Bounded: 90 days, pruned, and caps on every text and count an attacker
// controls.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { destinationKey, DEFAULT_BASELINE_OPTIONS, type BaselineOptions, type ItemBaseline } from '../engine/baseline';
import type { HistoryInput, HistoryItemInput, LaunchItem, Verdict } from '../engine/model';
import type { ItemHistoryView, ReviewView } from '../api/contract';
import { openSqlite, type Database, type SqlValue, type Statement } from './sqlite';

export const HISTORY_FILE = 'history.sqlite';
const SCHEMA_VERSION = '1';
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** What is kept: older rows are pruned. */
export const RETENTION_DAYS = 90;
/** Destinations remembered per item: a miner that sprays addresses cannot grow the store without bound. */
const MAX_DESTINATIONS_PER_ITEM = 500;
/** CPU samples kept per item per hour for its p95 (an hour at one sample a second). */
const MAX_HOURLY_SAMPLES = 3600;
const MAX_TEXT = 4096;
const MAX_ARGUMENTS_JSON = 64 * 1024;
/** How often an unchanged item's last_seen is written (it decides pruning, in days). */
const LAST_SEEN_STEP = 10 * 60_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
  id TEXT PRIMARY KEY, label TEXT NOT NULL, plist_path TEXT NOT NULL,
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  plist_sha256 TEXT, program TEXT, program_sha256 TEXT, arguments TEXT NOT NULL,
  keep_alive TEXT, run_at_load INTEGER NOT NULL,
  last_verdict TEXT, last_change INTEGER, last_change_what TEXT, files_sha256 TEXT);
CREATE TABLE IF NOT EXISTS changes (item_id TEXT NOT NULL, at INTEGER NOT NULL, what TEXT NOT NULL,
  before TEXT NOT NULL, after TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS changes_by_item ON changes (item_id, at);
CREATE INDEX IF NOT EXISTS changes_by_time ON changes (at);
CREATE TABLE IF NOT EXISTS verdicts (item_id TEXT NOT NULL, at INTEGER NOT NULL, verdict TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS verdicts_by_item ON verdicts (item_id, at);
CREATE TABLE IF NOT EXISTS destinations (item_id TEXT NOT NULL, endpoint TEXT NOT NULL,
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (item_id, endpoint));
CREATE TABLE IF NOT EXISTS cpu_hourly (item_id TEXT NOT NULL, hour INTEGER NOT NULL, samples INTEGER NOT NULL,
  avg REAL NOT NULL, p95 REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (item_id, hour));
CREATE TABLE IF NOT EXISTS observed_hours (hour INTEGER PRIMARY KEY, samples INTEGER NOT NULL);
`;

/** What the item page and `review` show: the shapes the views receive (main/api/contract.ts). */
export type ItemHistory = ItemHistoryView;
export type ReviewEntry = ReviewView['items'][number];

interface ItemRow {
  id: string;
  label: string;
  plist_path: string;
  first_seen: number;
  last_seen: number;
  plist_sha256: string | null;
  program: string | null;
  program_sha256: string | null;
  /** The digests of the scripts and configs it names (filesFact), null before they were kept. */
  files_sha256: string | null;
  arguments: string;
  keep_alive: string | null;
  run_at_load: number;
  last_verdict: string | null;
  last_change: number | null;
  last_change_what: string | null;
}

interface HourAccumulator {
  hour: number;
  sum: number;
  count: number;
  max: number;
  /** p95 of the samples of this hour written before this process started (a restart mid-hour). */
  earlierP95: number;
  values: number[];
}

export class HistoryStore {
  private readonly hours = new Map<string, HourAccumulator>();
  /** The newest CPU point already counted, per item. */
  private readonly countedUntil = new Map<string, number>();
  private readonly seenDestinations = new Map<string, number>();
  private lastPrune = 0;
  /** What the store holds of each item, kept after the first read: a tick writes only what changed. */
  private readonly rows = new Map<string, ItemRow>();
  /** Each item's known destinations, read once, so a tick asks the database nothing about them. */
  private readonly endpoints = new Map<string, Set<string>>();
  /** Each statement prepared once: a tick runs the same few hundred times. */
  private readonly statements = new Map<string, Statement>();
  /** Counts what the review list or an item's past would show differently (rows added). */
  private shown = 0;
  /** Said once to whoever shows notes (a store moved aside because it was damaged). */
  readonly notes: string[] = [];

  private constructor(
    private readonly db: Database,
    readonly path: string,
  ) {}

  /** Opens (or makes) the store in the state folder. A damaged file is moved aside, never deleted. */
  static open(stateDir: string, now = Date.now()): HistoryStore {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const path = join(stateDir, HISTORY_FILE);
    let db: Database;
    const notes: string[] = [];
    try {
      db = prepare(openSqlite(path));
    } catch (error) {
      const aside = `${path}.damaged-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
      if (existsSync(path)) renameSync(path, aside);
      for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
      notes.push(
        `the history could not be read (${(error as Error).message}): it was moved to ${aside} and begins again`,
      );
      db = prepare(openSqlite(path));
    }
    const store = new HistoryStore(db, path);
    store.notes.push(...notes);
    store.prune(now);
    return store;
  }

  /**
   * Changes when what the review list or an item's past shows may have changed: a new item, change,
   * verdict or destination recorded, and each hour (the day's CPU). A view asks again only then.
   */
  revision(now = Date.now()): string {
    return `${this.shown}:${Math.floor(now / HOUR)}`;
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }

  private sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * One tick of a live scan, in one transaction: items first seen and changed, verdict changes, the
   * destinations seen, the hour's CPU. A capture is another Mac and is never recorded.
   */
  record(result: HistoryInput, now: number): void {
    if (result.source !== 'live') return;
    const hour = Math.floor(now / HOUR) * HOUR;
    this.transaction(() => {
      this.sql(
        'INSERT INTO observed_hours (hour, samples) VALUES (?, 1) ON CONFLICT(hour) DO UPDATE SET samples = samples + 1',
      ).run(hour);
      for (const item of result.items) {
        this.recordItem(item, now);
        this.recordDestinations(item);
        this.recordCpu(item, hour);
      }
    });
    if (now - this.lastPrune >= HOUR) this.prune(now);
  }

  /** What each item's past says, for the analyzer: first seen, last change, and its usual once there is enough. */
  baselines(
    items: LaunchItem[],
    now: number,
    options: BaselineOptions = DEFAULT_BASELINE_OPTIONS,
  ): Map<string, ItemBaseline> {
    const out = new Map<string, ItemBaseline>();
    const until = Math.floor(now / HOUR) * HOUR; // the current hour is still being written
    const since = until - options.periodDays * DAY;
    const observed = (
      this.sql('SELECT hour FROM observed_hours WHERE hour >= ? AND hour < ?').all(since, until) as {
        hour: number;
      }[]
    ).map((r) => r.hour);
    const itemRow = this.sql('SELECT first_seen, last_change, last_change_what FROM items WHERE id = ?');
    const cpuRows = this.sql('SELECT hour, p95 FROM cpu_hourly WHERE item_id = ? AND hour >= ? AND hour < ?');
    const destinationRows = this.sql('SELECT endpoint FROM destinations WHERE item_id = ? AND first_seen < ?');
    for (const item of items) {
      const row = itemRow.get(item.id) as Pick<ItemRow, 'first_seen' | 'last_change' | 'last_change_what'> | undefined;
      if (!row) continue;
      const baseline: ItemBaseline = { firstSeen: row.first_seen };
      if (row.last_change !== null)
        baseline.lastChange = { at: row.last_change, what: (row.last_change_what ?? '').split(',').filter(Boolean) };
      // The usual is what the item did before its last change, when that change is recent: a replaced
      // program is compared with the one it replaced, not with itself.
      const end =
        baseline.lastChange && baseline.lastChange.at > since
          ? Math.floor(baseline.lastChange.at / HOUR) * HOUR
          : until;
      const start = end - options.periodDays * DAY;
      const hours = observed.filter((h) => h >= Math.max(start, row.first_seen - HOUR) && h < end);
      const enoughTime = end - row.first_seen >= options.periodDays * DAY;
      if (enoughTime && hours.length >= options.minObservedHours) {
        const byHour = new Map(
          (cpuRows.all(item.id, start, end) as { hour: number; p95: number }[]).map((r) => [r.hour, r.p95]),
        );
        const values = hours.map((h) => byHour.get(h) ?? 0);
        baseline.usual = {
          since: start,
          until: end,
          observedHours: hours.length,
          cpuP95: percentile(values, 0.95),
          destinations: new Set((destinationRows.all(item.id, end) as { endpoint: string }[]).map((r) => r.endpoint)),
        };
      }
      out.set(item.id, baseline);
    }
    return out;
  }

  /** Items added or changed since `since` that nobody approved (the caller leaves out approved ones). */
  review(since: number): ReviewEntry[] {
    const rows = this.sql(
      'SELECT id, label, plist_path, first_seen, last_change, last_change_what, last_verdict FROM items WHERE first_seen >= ? OR last_change >= ? ORDER BY MAX(first_seen, COALESCE(last_change, 0)) DESC LIMIT 1000',
    ).all(since, since) as ItemRow[];
    return rows.map((r) => ({
      id: r.id,
      label: r.label,
      plistPath: r.plist_path,
      firstSeen: r.first_seen,
      ...(r.last_change !== null && r.last_change >= since
        ? { lastChange: { at: r.last_change, what: (r.last_change_what ?? '').split(',').filter(Boolean) } }
        : {}),
      ...(r.last_verdict ? { verdict: r.last_verdict as Verdict } : {}),
    }));
  }

  /** One item's past for its page: changes, verdicts, destinations, 30 days of daily CPU. */
  itemHistory(id: string, now: number): ItemHistory | undefined {
    const row = this.sql('SELECT first_seen, last_seen FROM items WHERE id = ?').get(id) as
      Pick<ItemRow, 'first_seen' | 'last_seen'> | undefined;
    if (!row) return undefined;
    const changes = (
      this.sql('SELECT at, what FROM changes WHERE item_id = ? ORDER BY at DESC LIMIT 100').all(id) as {
        at: number;
        what: string;
      }[]
    ).map((c) => ({ at: c.at, what: c.what.split(',') }));
    const verdicts = this.sql('SELECT at, verdict FROM verdicts WHERE item_id = ? ORDER BY at DESC LIMIT 100').all(
      id,
    ) as { at: number; verdict: Verdict }[];
    const destinations = (
      this.sql(
        'SELECT endpoint, first_seen, last_seen, count FROM destinations WHERE item_id = ? ORDER BY first_seen DESC LIMIT 100',
      ).all(id) as { endpoint: string; first_seen: number; last_seen: number; count: number }[]
    ).map((d) => ({ endpoint: d.endpoint, firstSeen: d.first_seen, lastSeen: d.last_seen, count: d.count }));
    const from = Math.floor(now / DAY) * DAY - 29 * DAY;
    const dailyCpu = (
      this.sql(
        'SELECT (hour / 86400000) * 86400000 AS day, AVG(avg) AS avg, MAX(max) AS max FROM cpu_hourly WHERE item_id = ? AND hour >= ? GROUP BY day ORDER BY day',
      ).all(id, from) as { day: number; avg: number; max: number }[]
    ).map((d) => ({ day: d.day, avg: round(d.avg), max: round(d.max) }));
    return { firstSeen: row.first_seen, lastSeen: row.last_seen, changes, verdicts, destinations, dailyCpu };
  }

  /** Rows older than the retention are removed; what is removed is gone for good, so it is kept 90 days. */
  prune(now: number): void {
    const cutoff = now - RETENTION_DAYS * DAY;
    this.transaction(() => {
      for (const [table, column] of [
        ['changes', 'at'],
        ['verdicts', 'at'],
        ['cpu_hourly', 'hour'],
        ['observed_hours', 'hour'],
        ['destinations', 'last_seen'],
        ['items', 'last_seen'],
      ] as const)
        this.sql(`DELETE FROM ${table} WHERE ${column} < ?`).run(cutoff);
    });
    this.lastPrune = now;
    // What was pruned must not be taken for known; and what the tick caches hold stays bounded over
    // weeks of churn (destinations seen once, items removed): the monitor hands each sighting once.
    this.rows.clear();
    this.endpoints.clear();
    this.seenDestinations.clear();
    for (const [id, acc] of this.hours) if (acc.hour < now - HOUR) this.hours.delete(id);
    for (const [id, t] of this.countedUntil) if (t < now - HOUR) this.countedUntil.delete(id);
  }

  private recordItem(result: HistoryItemInput, now: number): void {
    const { item } = result;
    const row =
      this.rows.get(item.id) ?? (this.sql('SELECT * FROM items WHERE id = ?').get(item.id) as ItemRow | undefined);
    const current = itemFacts(item);
    if (!row) {
      this.sql(
        'INSERT INTO items (id, label, plist_path, first_seen, last_seen, plist_sha256, program, program_sha256, arguments, keep_alive, run_at_load, files_sha256, last_verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(item.id, bounded(item.label), bounded(item.plistPath), now, now, ...factValues(current), result.verdict);
      this.sql('INSERT INTO verdicts (item_id, at, verdict) VALUES (?, ?, ?)').run(item.id, now, result.verdict);
      this.shown++;
      this.rows.set(item.id, {
        id: item.id,
        label: bounded(item.label),
        plist_path: bounded(item.plistPath),
        first_seen: now,
        last_seen: now,
        ...current,
        last_verdict: result.verdict,
        last_change: null,
        last_change_what: null,
      });
      return;
    }
    const what = changedFacts(row, current);
    if (what.length > 0) {
      const before = JSON.stringify(Object.fromEntries(what.map((k) => [k, row[COLUMN[k]]])));
      const after = JSON.stringify(Object.fromEntries(what.map((k) => [k, current[COLUMN[k]]])));
      this.shown++;
      this.sql('INSERT INTO changes (item_id, at, what, before, after) VALUES (?, ?, ?, ?, ?)').run(
        item.id,
        now,
        what.join(','),
        before,
        after,
      );
    }
    const verdictChanged = row.last_verdict !== result.verdict;
    if (verdictChanged) {
      this.sql('INSERT INTO verdicts (item_id, at, verdict) VALUES (?, ?, ?)').run(item.id, now, result.verdict);
      this.shown++;
    }
    // Nothing new: last_seen is moved on once in a while, not every tick.
    if (what.length === 0 && !verdictChanged && now - row.last_seen < LAST_SEEN_STEP) {
      this.rows.set(item.id, row);
      return;
    }
    this.sql(
      'UPDATE items SET label = ?, last_seen = ?, plist_sha256 = ?, program = ?, program_sha256 = ?, arguments = ?, keep_alive = ?, run_at_load = ?, files_sha256 = ?, last_verdict = ?, last_change = COALESCE(?, last_change), last_change_what = COALESCE(?, last_change_what) WHERE id = ?',
    ).run(
      bounded(item.label),
      now,
      ...factValues(current),
      result.verdict,
      what.length > 0 ? now : null,
      what.length > 0 ? what.join(',') : null,
      item.id,
    );
    this.rows.set(item.id, {
      ...row,
      ...current,
      label: bounded(item.label),
      last_seen: now,
      last_verdict: result.verdict,
      ...(what.length > 0 ? { last_change: now, last_change_what: what.join(',') } : {}),
    });
  }

  private recordDestinations(result: HistoryItemInput): void {
    for (const d of result.destinations) {
      const endpoint = bounded(destinationKey(d));
      const key = `${result.item.id}\u0000${endpoint}`;
      // Counted once per sample that saw it: only when its lastSeen moved on.
      if (this.seenDestinations.get(key) === d.lastSeen) continue;
      this.seenDestinations.set(key, d.lastSeen);
      let known = this.endpoints.get(result.item.id);
      if (!known) {
        known = new Set(
          (
            this.sql('SELECT endpoint FROM destinations WHERE item_id = ?').all(result.item.id) as {
              endpoint: string;
            }[]
          ).map((r) => r.endpoint),
        );
        this.endpoints.set(result.item.id, known);
      }
      if (!known.has(endpoint)) {
        if (known.size >= MAX_DESTINATIONS_PER_ITEM) continue;
        known.add(endpoint);
        this.shown++;
      }
      this.sql(
        'INSERT INTO destinations (item_id, endpoint, first_seen, last_seen, count) VALUES (?, ?, ?, ?, 1) ON CONFLICT(item_id, endpoint) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen), count = count + 1',
      ).run(result.item.id, endpoint, d.firstSeen, d.lastSeen);
    }
  }

  private recordCpu(result: HistoryItemInput, hour: number): void {
    const id = result.item.id;
    const after = this.countedUntil.get(id) ?? -Infinity;
    const fresh = result.history.filter((p) => p.t > after && p.t >= hour);
    if (fresh.length === 0) return;
    this.countedUntil.set(id, fresh.at(-1)?.t ?? after);
    let acc = this.hours.get(id);
    if (!acc || acc.hour !== hour) {
      // A restart in the middle of an hour carries on from what the last process wrote for it.
      const row = this.sql('SELECT samples, avg, p95, max FROM cpu_hourly WHERE item_id = ? AND hour = ?').get(
        id,
        hour,
      ) as { samples: number; avg: number; p95: number; max: number } | undefined;
      acc = {
        hour,
        sum: row ? row.avg * row.samples : 0,
        count: row?.samples ?? 0,
        max: row?.max ?? 0,
        earlierP95: row?.p95 ?? 0,
        values: [],
      };
      this.hours.set(id, acc);
    }
    for (const p of fresh) {
      const percent = Number.isFinite(p.percent) && p.percent >= 0 ? p.percent : 0;
      acc.sum += percent;
      acc.count += 1;
      acc.max = Math.max(acc.max, percent);
      if (acc.values.length < MAX_HOURLY_SAMPLES) acc.values.push(percent);
    }
    // An hour in which the item used no CPU at all needs no row: a missing hour counts as 0.
    if (acc.max === 0) return;
    const p95 = Math.max(acc.earlierP95, percentile(acc.values, 0.95));
    this.sql(
      'INSERT INTO cpu_hourly (item_id, hour, samples, avg, p95, max) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(item_id, hour) DO UPDATE SET samples = excluded.samples, avg = excluded.avg, p95 = excluded.p95, max = excluded.max',
    ).run(id, hour, acc.count, acc.sum / acc.count, p95, acc.max);
  }

  private transaction(run: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      run();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

/** The facts of an item whose change is news, as they are stored. */
type Facts = Pick<
  ItemRow,
  'plist_sha256' | 'program' | 'program_sha256' | 'arguments' | 'keep_alive' | 'run_at_load' | 'files_sha256'
>;
const COLUMN = {
  plist: 'plist_sha256',
  program: 'program',
  'program binary': 'program_sha256',
  arguments: 'arguments',
  KeepAlive: 'keep_alive',
  RunAtLoad: 'run_at_load',
  // A miner taken over by a new wallet or pool in its config, with its plist and program untouched.
  'scripts or configs': 'files_sha256',
} as const satisfies Record<string, keyof Facts>;
type FactName = keyof typeof COLUMN;

function itemFacts(item: LaunchItem): Facts {
  let args = JSON.stringify(item.arguments);
  if (args.length > MAX_ARGUMENTS_JSON)
    args = JSON.stringify([`${args.length} bytes of arguments, summarised`, item.sha256 ?? '']);
  return {
    plist_sha256: item.sha256 ?? null,
    program: item.program ? bounded(item.program) : null,
    program_sha256: item.programSha256 ?? null,
    arguments: args,
    keep_alive: item.keepAlive === undefined ? null : JSON.stringify(item.keepAlive),
    run_at_load: item.runAtLoad ? 1 : 0,
    files_sha256: filesFact(item),
  };
}

/**
 * The scripts and configs an item names, as the digests the reader took: of those its arguments name and of
 * those its scripts name (referencedSha256, scriptNamedSha256); null when the reader took neither. The digest of what
 * scripts run by scripts name (scriptChainSha256) is added only where it reaches further, so that an item it does not
 * is not recorded as changed by a Launchwatch that reads it.
 */
function filesFact(item: LaunchItem): string | null {
  if (item.referencedSha256 === undefined && item.scriptNamedSha256 === undefined) return null;
  const chain =
    item.scriptChainSha256 !== undefined && item.scriptChainSha256 !== item.scriptNamedSha256
      ? ` ${item.scriptChainSha256}`
      : '';
  return `${item.referencedSha256 ?? '-'} ${item.scriptNamedSha256 ?? '-'}${chain}`;
}

/** The facts in the order the items table's INSERT and UPDATE name their columns. */
function factValues(facts: Facts): SqlValue[] {
  return [
    facts.plist_sha256,
    facts.program,
    facts.program_sha256,
    facts.arguments,
    facts.keep_alive,
    facts.run_at_load,
    facts.files_sha256,
  ];
}

/**
 * Whether two files facts say the same files: equal, or one kept before scripts run by scripts were followed (two
 * digests) and one after that agrees on those two. Reading further is no change to the files, and a store taken over
 * by a Launchwatch that reads further must not date one to the day it was installed.
 */
function sameFiles(kept: string, now: string): boolean {
  if (kept === now) return true;
  const [keptArguments, keptScripts, keptChain] = kept.split(' ');
  const [nowArguments, nowScripts] = now.split(' ');
  return keptChain === undefined && keptArguments === nowArguments && keptScripts === nowScripts;
}

function changedFacts(row: ItemRow, current: Facts): FactName[] {
  const names = Object.keys(COLUMN) as FactName[];
  return names.filter((name) => {
    const column = COLUMN[name];
    // A program that could not be read (no hash) has not changed because of that; nor have files with no digest on
    // one side (a store made before they were kept).
    if (column === 'program_sha256' && (row.program_sha256 === null || current.program_sha256 === null)) return false;
    if (column === 'files_sha256' && (row.files_sha256 === null || current.files_sha256 === null)) return false;
    if (column === 'files_sha256') return !sameFiles(row.files_sha256 as string, current.files_sha256 as string);
    return (row[column] as SqlValue) !== (current[column] as SqlValue);
  });
}

function prepare(db: Database): Database {
  // WAL with full sync: what COMMIT returned is on disk; a reader never blocks the writer (app and scan).
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  const check = db.prepare('PRAGMA quick_check').get() as { quick_check?: string } | undefined;
  if (check && check.quick_check !== 'ok') throw new Error(`integrity check: ${check.quick_check}`);
  db.exec(SCHEMA);
  addMissingColumns(db);
  const version = (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)
    ?.value;
  if (version === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
  else if (version !== SCHEMA_VERSION)
    throw new Error(`schema version ${version}, this Launchwatch knows ${SCHEMA_VERSION}`);
  return db;
}

/**
 * Columns are only ever added to the store, and its schema version stays: a store made before one was added gets
 * it here (empty), and an older Launchwatch reads a newer store as it always did, leaving the column alone (a
 * version it did not know would make it move the store aside as damaged and begin again).
 */
function addMissingColumns(db: Database): void {
  const columns = new Set((db.prepare('PRAGMA table_info(items)').all() as { name: string }[]).map((c) => c.name));
  if (!columns.has('files_sha256')) db.exec('ALTER TABLE items ADD COLUMN files_sha256 TEXT');
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function bounded(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** The state folder's history file, for tests and tools. */
export function historyPath(stateDir: string): string {
  return join(stateDir, HISTORY_FILE);
}
