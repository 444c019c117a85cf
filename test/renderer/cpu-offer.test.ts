import { describe, expect, it } from 'vitest';
import type { ItemDetail } from '../../main/api/contract';
import { cpuLimitOffer } from '../../renderer/src/logic/cpu-offer';

type Judged = Pick<ItemDetail, 'cpu' | 'thresholdPercent' | 'reasons' | 'verdict'>;

const judged = (verdict: ItemDetail['verdict'], codes: string[], maxPercent: number, thresholdPercent = 25): Judged =>
  ({
    verdict,
    thresholdPercent,
    cpu: { maxPercent },
    reasons: codes.map((code) => ({ code })),
  }) as unknown as Judged;

describe('the CPU limit offered for a busy item', () => {
  it('is room above its peak, in round tens, moving only when the peak crosses a step', () => {
    expect(cpuLimitOffer(judged('high-cpu', ['cpu.sustained'], 60))).toBe(80);
    expect(cpuLimitOffer(judged('high-cpu', ['cpu.sustained'], 61))).toBe(80);
    expect(cpuLimitOffer(judged('high-cpu', ['cpu.sustained'], 90))).toBe(110);
    expect(cpuLimitOffer(judged('high-cpu', ['cpu.sustained'], 450))).toBe(540);
  });

  it('is above the threshold when that is higher than the peak, and never under 10', () => {
    expect(cpuLimitOffer(judged('high-cpu', ['cpu.sustained'], 5, 50))).toBe(60);
    expect(cpuLimitOffer(judged('high-cpu', ['cpu.sustained'], 1, 1))).toBe(10);
  });

  it('is not offered for an item flagged for more than its CPU, or not for its CPU', () => {
    expect(cpuLimitOffer(judged('suspicious', ['cpu.sustained', 'net.stratum-port'], 90))).toBeUndefined();
    expect(cpuLimitOffer(judged('mining', ['cpu.sustained'], 90))).toBeUndefined();
    expect(cpuLimitOffer(judged('high-cpu', [], 90))).toBeUndefined();
    expect(cpuLimitOffer(judged('ok', [], 5))).toBeUndefined();
  });
});
