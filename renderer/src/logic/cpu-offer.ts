// What the item page offers a busy item, apart from React: whether to offer accepting its CPU, and at what limit.
import type { ItemDetail } from '../../../main/api/contract';

/**
 * The CPU limit to offer: room above the item's peak (or the threshold, if higher), in round tens, so the
 * figure moves only when the peak crosses a step (and the panel is not drawn again at every update).
 */
export function suggestedCpuLimit(item: Pick<ItemDetail, 'cpu' | 'thresholdPercent'>): number {
  return Math.max(10, Math.ceil((Math.max(item.cpu.maxPercent, item.thresholdPercent) * 1.2) / 10) * 10);
}

/** Whether the item is flagged for its CPU alone, so accepting its CPU is offered. */
export function flaggedOnlyBusy(item: Pick<ItemDetail, 'reasons' | 'verdict'>): boolean {
  return item.reasons.some((r) => r.code === 'cpu.sustained') && item.verdict === 'high-cpu';
}

/** The limit to offer, or undefined when the item is not flagged for its CPU alone. */
export function cpuLimitOffer(
  item: Pick<ItemDetail, 'cpu' | 'thresholdPercent' | 'reasons' | 'verdict'>,
): number | undefined {
  return flaggedOnlyBusy(item) ? suggestedCpuLimit(item) : undefined;
}
