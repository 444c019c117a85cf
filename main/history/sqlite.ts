// One SQLite, wherever Launchwatch runs: Node's own `node:sqlite` where the runtime has it (Electron 45's
// Node 24, Node 22.13 and later), else better-sqlite3 (Node 20 and 22.12, the CLI and the tests here).
// Both are the same SQLite library with the same synchronous calls, so the store is written once.
import { createRequire } from 'node:module';

export interface Statement {
  run(...params: SqlValue[]): unknown;
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
}

export type SqlValue = string | number | null;

export interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}

interface NodeSqlite {
  DatabaseSync: new (path: string) => { exec(sql: string): void; prepare(sql: string): Statement; close(): void };
}

export function openSqlite(path: string): Database {
  const builtin = nodeSqlite();
  if (builtin) {
    const db = new builtin.DatabaseSync(path);
    return {
      exec: (sql) => db.exec(sql),
      prepare: (sql) => db.prepare(sql),
      close: () => db.close(),
    };
  }
  // Loaded only when needed: the app (Electron) never reaches here, so its bundle leaves it out.
  const BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => {
    exec(sql: string): void;
    prepare(sql: string): Statement;
    close(): void;
  };
  const db = new BetterSqlite(path);
  return {
    exec: (sql) => db.exec(sql),
    prepare: (sql) => db.prepare(sql),
    close: () => db.close(),
  };
}

function nodeSqlite(): NodeSqlite | undefined {
  if (process.env.LAUNCHWATCH_SQLITE === 'better-sqlite3') return undefined;
  try {
    // getBuiltinModule answers undefined for a module this Node does not have (or has behind a flag).
    return (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:sqlite') as
      NodeSqlite | undefined;
  } catch {
    return undefined;
  }
}
