import { describe, expect, it } from 'vitest';
import type { ItemSummary } from '../../main/api/contract';
import {
  describeState,
  filterItems,
  groupByVerdict,
  hiddenAppleCount,
  keepsHidden,
  sameRow,
  shownRows,
  worstVerdict,
} from '../../renderer/src/logic/list';

const item = (
  id: string,
  verdict: ItemSummary['verdict'],
  scope: ItemSummary['scope'] = 'user',
  score = 0,
): ItemSummary => ({
  id,
  label: id,
  plistPath: `/L/${id}.plist`,
  kind: 'LaunchAgent',
  scope,
  verdict,
  score,
  running: true,
  cpuPercent: 1,
  sparkline: [],
  destinationCount: 0,
});

describe('the list logic', () => {
  it('groups worst first and orders by score within a group', () => {
    const groups = groupByVerdict([
      item('a', 'ok'),
      item('b', 'mining', 'user', 50),
      item('c', 'mining', 'user', 90),
      item('d', 'high-cpu'),
      item('e', 'suspicious'),
    ]);
    expect(groups.map((g) => g.verdict)).toEqual(['mining', 'suspicious', 'high-cpu', 'ok']);
    expect(groups[0]?.items.map((i) => i.id)).toEqual(['c', 'b']);
  });

  it('orders busier first in 10-point steps, so rows do not swap on a few tenths of a percent', () => {
    const at = (id: string, cpuPercent: number) => ({ ...item(id, 'high-cpu'), cpuPercent });
    const order = (items: ItemSummary[]) => groupByVerdict(items)[0]?.items.map((i) => i.id);
    expect(order([at('b', 33.4), at('a', 31.2), at('c', 95)])).toEqual(['c', 'a', 'b']);
    expect(order([at('b', 31.2), at('a', 33.4), at('c', 95)])).toEqual(['c', 'a', 'b']);
  });

  it('hides Apple items unless asked, except flagged ones, and searches labels and paths', () => {
    const items = [
      item('com.apple.mds', 'high-cpu', 'apple'),
      item('com.apple.fake', 'mining', 'apple'),
      item('x', 'ok'),
    ];
    expect(filterItems(items, { query: '', showApple: false }).map((i) => i.id)).toEqual(['com.apple.fake', 'x']);
    expect(filterItems(items, { query: '', showApple: true })).toHaveLength(3);
    expect(filterItems(items, { query: 'L/X.PL', showApple: false }).map((i) => i.id)).toEqual(['x']);
    expect(hiddenAppleCount(items)).toBe(2);
    expect(worstVerdict([item('a', 'approved'), item('b', 'high-cpu')])).toBe('high-cpu');
  });

  it('says how launchd sees an item', () => {
    expect(describeState({ loaded: true, loadedKnown: true, running: false, lastExitStatus: -9 })).toBe(
      'loaded, not running, last run killed by signal 9',
    );
    expect(describeState({ loaded: false, loadedKnown: false, running: false })).toBe(
      'loaded state unknown (a daemon, read without root), not running',
    );
    expect(describeState({ loaded: true, loadedKnown: true, running: true, lastExitStatus: 78 })).toBe(
      'loaded, running, last run exited 78',
    );
  });

  it('a row is drawn again only when something it shows changed', () => {
    const row = { ...item('a', 'ok'), sparkline: [0, 0, 1] };
    expect(sameRow(row, { ...row, sparkline: [0, 0, 1], score: 9 })).toBe(true);
    expect(sameRow(row, { ...row, sparkline: [0, 1, 1] })).toBe(false);
    expect(sameRow(row, { ...row, cpuPercent: 2 })).toBe(false);
    expect(sameRow(row, { ...row, verdict: 'high-cpu' })).toBe(false);
    expect(sameRow(row, { ...row, destinationCount: 1 })).toBe(false);
    expect(sameRow(row, { ...row, headline: 'x' })).toBe(false);
    expect(sameRow(row, { ...row, measuring: 'measuring' })).toBe(false);
    expect(sameRow(row, { ...row, label: 'b' })).toBe(false);
  });

  it('shows 40 rows a group, all of them for a search or when the row to go back to is further down', () => {
    const many = Array.from({ length: 50 }, (_, i) => item(`i${i}`, 'ok'));
    expect(shownRows(many, false, '')).toHaveLength(40);
    expect(shownRows(many, false, 'i4')).toHaveLength(50);
    expect(keepsHidden(many, 'i45')).toBe(true);
    expect(keepsHidden(many, 'i3')).toBe(false);
    expect(keepsHidden(many, undefined)).toBe(false);
    expect(shownRows(many, keepsHidden(many, 'i45'), '').map((i) => i.id)).toContain('i45');
  });
});
