import { describe, expect, it } from 'vitest';
import { RecentMemo } from '../../main/platform/recent-memo';

describe('RecentMemo', () => {
  it('computes a key once and hands back what it kept, false included', () => {
    const memo = new RecentMemo<string, number | false>(10);
    let calls = 0;
    const compute = (key: string): number | false => {
      calls++;
      return key === 'bad' ? false : key.length;
    };
    expect(memo.get('abc', compute)).toBe(3);
    expect(memo.get('abc', compute)).toBe(3);
    expect(memo.get('bad', compute)).toBe(false);
    expect(memo.get('bad', compute)).toBe(false);
    expect(calls).toBe(2);
  });

  it('keeps what was used in the last generation and drops the rest', () => {
    const memo = new RecentMemo<number, number>(3);
    const seen: number[] = [];
    const compute = (key: number): number => {
      seen.push(key);
      return key * 10;
    };
    for (const key of [1, 2, 3]) memo.get(key, compute);
    // 4 starts a new generation; 1, used again, moves up into it.
    memo.get(4, compute);
    memo.get(1, compute);
    // 5 fills it; 6 starts another, dropping 2 and 3, which were not used in the last one.
    memo.get(5, compute);
    memo.get(6, compute);
    expect(memo.get(1, compute)).toBe(10);
    expect(memo.get(2, compute)).toBe(20);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 2]);
  });

  it('holds at most two generations whatever it is fed', () => {
    const memo = new RecentMemo<number, number>(100);
    for (let key = 0; key < 10_000; key++) memo.get(key, (k) => k);
    expect(memo.size).toBeLessThanOrEqual(200);
    expect(memo.size).toBeGreaterThanOrEqual(100);
  });
});
