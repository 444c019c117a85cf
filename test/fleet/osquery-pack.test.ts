// assets/osquery/launchwatch-pack.conf: JSON an osquery daemon loads, each query parsed as SQLite SQL
// (osquery's dialect) by node-sql-parser, and every table and column it names present in osquery's
// published schema for macOS (assets/osquery/schema-darwin.json, copied from osquery's specs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { tableOf } from '../../main/platform/osquery/results';

const root = join(__dirname, '../..');
const pack = JSON.parse(readFileSync(join(root, 'assets/osquery/launchwatch-pack.conf'), 'utf8')) as {
  platform: string;
  queries: Record<string, { query: string; interval: number; snapshot?: boolean; description: string }>;
};
const schema = JSON.parse(readFileSync(join(root, 'assets/osquery/schema-darwin.json'), 'utf8')) as {
  tables: Record<string, string[]>;
};

describe('the osquery pack', () => {
  it('is a darwin pack of queries with modest intervals and a description each', () => {
    expect(pack.platform).toBe('darwin');
    for (const [name, q] of Object.entries(pack.queries)) {
      expect(q.interval, name).toBeGreaterThanOrEqual(60);
      expect(q.description.length, name).toBeGreaterThan(20);
      expect(q.query.trim().endsWith(';'), name).toBe(true);
    }
  });

  it('every query parses as SQLite, and names only tables and columns osquery has on macOS', () => {
    const parser = new Parser();
    for (const [name, { query }] of Object.entries(pack.queries)) {
      const parsed = parser.parse(query, { database: 'sqlite' });
      const tables = parsed.tableList.map((t) => t.split('::')[2] as string);
      for (const table of tables) expect(Object.keys(schema.tables), `${name}: table ${table}`).toContain(table);
      // Names the query defines itself (AS ...) are not columns of a table.
      const aliases = new Set([...query.matchAll(/\bAS\s+(\w+)/gi)].map((m) => m[1]));
      const aliasOf = new Map([...query.matchAll(/\b(\w+)\s+AS\s+(\w+)\b/gi)].map((m) => [m[2], m[1]]));
      for (const entry of parsed.columnList) {
        const [, qualifier, column] = entry.split('::') as [string, string, string];
        if (column === '(.*)' || aliases.has(column)) continue;
        const table = qualifier === 'null' ? undefined : (aliasOf.get(qualifier) ?? qualifier);
        const candidates = table && schema.tables[table] ? [table] : tables;
        expect(
          candidates.some((t) => schema.tables[t]?.includes(column)),
          `${name}: column ${column} in ${candidates.join(' or ')}`,
        ).toBe(true);
      }
    }
  });

  it('what each query returns is recognised by its columns, whatever the query is called', () => {
    const columnsOf = (query: string) =>
      Object.fromEntries(
        new Parser()
          .parse(query, { database: 'sqlite' })
          .columnList.map((c) => c.split('::')[2] as string)
          .map((c) => [c, '']),
      );
    expect(tableOf(columnsOf(pack.queries.launchwatch_launchd!.query))).toBe('launchd');
    expect(tableOf(columnsOf(pack.queries.launchwatch_processes!.query))).toBe('processes');
    expect(tableOf(columnsOf(pack.queries.launchwatch_sockets!.query))).toBe('process_open_sockets');
    expect(tableOf(columnsOf(pack.queries.launchwatch_system_info!.query))).toBe('system_info');
    expect(tableOf(columnsOf(pack.queries.launchwatch_os_version!.query))).toBe('os_version');
    expect(tableOf({ path: '', signed: '', identifier: '', team_identifier: '', authority: '' })).toBe('signature');
  });
});
