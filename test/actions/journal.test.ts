import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, type ActionRecord } from '../../main/actions/journal';

const record = (id: string, createdAt: string): ActionRecord => ({
  id,
  type: 'disable',
  createdAt,
  updatedAt: createdAt,
  status: 'done',
  messages: [],
  steps: [],
  plan: {
    itemId: '/L/x.plist',
    label: 'x',
    plistPath: '/L/x.plist',
    kind: 'LaunchAgent',
    needsAdmin: false,
    adminPrompts: 0,
    steps: [],
  },
});

describe('the journal', () => {
  it('lists newest first, sees what another process wrote, and names a record it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-journal-'));
    const app = new Journal(dir);
    const cli = new Journal(dir);
    app.save(record('a-1', '2026-12-01T10:00:00.000Z'));
    expect(app.list().records.map((r) => r.id)).toEqual(['a-1']);
    await new Promise((r) => setTimeout(r, 20));
    cli.save(record('b-2', '2026-12-01T11:00:00.000Z'));
    expect(app.list().records.map((r) => r.id)).toEqual(['b-2', 'a-1']);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(dir, 'actions', 'broken.json'), '{"id": 1}');
    const listed = app.list();
    expect(listed.records).toHaveLength(2);
    expect(listed.problems).toEqual([expect.stringContaining('broken.json')]);
  });
});
