// Tuning that keeps watching: an item's CPU accepted up to a figure stops flagging it for CPU; a miner's
// accepted CPU still flags it, and so does a changed program or more CPU than was accepted.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { approvalFor } from '../../main/engine/approvals';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { writeCapture } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';

const spec = (name: string) => scenarios.find((s) => s.name.startsWith(name))!.spec;

describe('accepting an item’s CPU only', () => {
  it('a busy backup accepted up to 400% is quiet; over the figure, or changed, it is judged again', async () => {
    const capture = writeCapture(spec('Backblaze'));
    const before = await replay(capture, DEFAULT_SCAN_OPTIONS);
    const busy = before.items.find((i) => i.verdict === 'high-cpu');
    expect(busy).toBeDefined();
    const item = busy!.item;
    const accepted = approvalFor(item, 'nightly backup', 'alice', new Date('2026-11-30T10:00:00Z'), 400);
    const after = await replay(capture, { ...DEFAULT_SCAN_OPTIONS, approvals: [accepted] });
    const quiet = after.items.find((i) => i.item.id === item.id);
    expect(quiet?.verdict).toBe('ok');
    expect(quiet?.reasons.map((r) => r.code)).toEqual(['approval.cpu']);
    expect(quiet?.reasons[0]?.text).toBe(
      'its CPU is accepted up to 400% of one core (by alice on 2026-11-30: nightly backup)',
    );
    // Less than it uses: the CPU reason is back, and says why.
    const low = approvalFor(item, undefined, 'alice', new Date('2026-11-30T10:00:00Z'), 5);
    const over = (await replay(capture, { ...DEFAULT_SCAN_OPTIONS, approvals: [low] })).items.find(
      (i) => i.item.id === item.id,
    );
    expect(over?.verdict).toBe('high-cpu');
    expect(over?.reasons[0]?.text).toMatch(/^uses \d+% of one core, more than the 5% accepted on 2026-11-30$/);
    // Its plist changed since: judged in full.
    const stale = { ...accepted, plistSha256: '0'.repeat(64) };
    const changed = (await replay(capture, { ...DEFAULT_SCAN_OPTIONS, approvals: [stale] })).items.find(
      (i) => i.item.id === item.id,
    );
    expect(changed?.verdict).toBe('high-cpu');
    expect(changed?.reasons[0]?.text).toMatch(/changed since: judged in full$/);
  });

  it('a miner whose CPU was accepted is still a miner', async () => {
    const capture = writeCapture(spec('CookieMiner: a fake'));
    const before = await replay(capture, DEFAULT_SCAN_OPTIONS);
    const miner = before.items.find((i) => i.verdict === 'mining')!;
    const accepted = approvalFor(miner.item, undefined, 'alice', new Date(), 10_000);
    const after = (await replay(capture, { ...DEFAULT_SCAN_OPTIONS, approvals: [accepted] })).items.find(
      (i) => i.item.id === miner.item.id,
    );
    expect(after?.verdict).toBe('mining');
    expect(after?.reasons[0]?.text).toMatch(/shows signs of mining or hiding: judged in full$/);
  });
});
