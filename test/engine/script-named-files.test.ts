// The files a script the job runs names in its own commands (a config moved from the plist into run.sh): an edit to
// one is an edit to the item, for the approved inventory and for the evidence kept between reads.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { readCapture } from '../../main/platform/capture/capture-reader';
import { Analyzer } from '../../main/engine/analyzer';
import { approvalFor, type Approval } from '../../main/engine/approvals';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { NO_SCRIPT_NAMED_FILES } from '../../main/engine/referenced-files';
import { writeCapture, type CaptureSpec } from '../support/capture-builder';
import { scenarios, WALLET } from '../support/scenarios';

const HOME = '/Users/alice';
const LABEL = 'local.alice.xmrig';
const RUN_SH = `${HOME}/.k/run.sh`;
const CONFIG = `${HOME}/.k/c.json`;
const THIEF = '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A';

/** The owner's own miner, its config named by the script the plist runs and not by the plist. */
function ownScriptedMiner(config: string | undefined): CaptureSpec {
  return {
    items: [
      {
        path: `${HOME}/Library/LaunchAgents/${LABEL}.plist`,
        listedPid: 1500,
        plist: { Label: LABEL, ProgramArguments: ['/bin/sh', RUN_SH], RunAtLoad: true },
      },
    ],
    processes: [
      { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 },
      { pid: 1500, ppid: 1, uid: 501, args: './xmrig --config c.json', cpu: 600 },
    ],
    files: {
      [RUN_SH]: '#!/bin/sh\ncd ~/.k\nexec ./xmrig --config c.json\n',
      ...(config !== undefined ? { [CONFIG]: config } : {}),
    },
  };
}

const poolConfig = (wallet: string): string =>
  JSON.stringify({ pools: [{ url: 'pool.supportxmr.com:3333', user: wallet }] });

async function judged(spec: CaptureSpec, approvals: Approval[] = []) {
  const result = await replay(writeCapture(spec), { ...DEFAULT_SCAN_OPTIONS, approvals });
  const item = result.items.find((i) => i.item.label === LABEL || i.item.label === 'homebrew.mxcl.xmrig');
  if (!item) throw new Error('the item is missing from the replay');
  return item;
}

async function approvalOf(spec: CaptureSpec): Promise<Approval> {
  return approvalFor((await judged(spec)).item, 'my own miner', 'alice', new Date('2026-11-30T10:00:00Z'));
}

describe('the files the scripts an item runs name, in the approved inventory', () => {
  it('keeps the item approved while they are as approved, and judges it afresh when one is edited', async () => {
    const approval = await approvalOf(ownScriptedMiner(poolConfig(WALLET)));
    expect(approval.scriptFilesSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(approval.scriptFilesSha256).not.toBe(NO_SCRIPT_NAMED_FILES);

    const same = await judged(ownScriptedMiner(poolConfig(WALLET)), [approval]);
    expect(same.verdict).toBe('approved');
    expect(same.reasons[0]?.text).not.toContain('not covered');

    // Another wallet in the config: the miner now pays someone else, with run.sh and the plist untouched.
    const swapped = await judged(ownScriptedMiner(poolConfig(THIEF)), [approval]);
    expect(swapped.verdict).toBe('mining');
    expect(swapped.reasons[0]).toMatchObject({
      code: 'approval.changed',
      text: 'changed since approval on 2026-11-30: a file a script it runs names',
    });
  });

  it('judges it afresh when a file its script names appears after it was approved', async () => {
    const approval = await approvalOf(ownScriptedMiner(undefined));
    expect(approval.scriptFilesSha256).not.toBe(NO_SCRIPT_NAMED_FILES);
    expect((await judged(ownScriptedMiner(undefined), [approval])).verdict).toBe('approved');
    const appeared = await judged(ownScriptedMiner(poolConfig(THIEF)), [approval]);
    expect(appeared.reasons[0]?.text).toContain('a file a script it runs names');
    expect(appeared.verdict).toBe('mining');
  });

  it('says an approval made before scripts were read for names does not cover those files', async () => {
    // Made before either digest of what scripts name was kept.
    const { scriptFilesSha256, scriptChainFilesSha256, ...older } = await approvalOf(
      ownScriptedMiner(poolConfig(WALLET)),
    );
    expect(scriptFilesSha256).toBeDefined();
    expect(scriptChainFilesSha256).toBe(scriptFilesSha256);
    const shown = await judged(ownScriptedMiner(poolConfig(THIEF)), [older]);
    expect(shown.verdict).toBe('approved');
    expect(shown.reasons[0]?.text).toContain(
      'the files its scripts name are not covered: it was approved before Launchwatch read them; approve it again',
    );
    // An item whose scripts name nothing has nothing left uncovered to speak of.
    const ownMiner = scenarios.find((s) => s.name.startsWith("A user's own XMRig"))!.spec;
    const { scriptFilesSha256: none, ...plain } = await approvalOf(ownMiner);
    expect(none).toBe(NO_SCRIPT_NAMED_FILES);
    const plainShown = await judged(ownMiner, [plain]);
    expect(plainShown.verdict).toBe('approved');
    expect(plainShown.reasons[0]?.text).not.toContain('not covered');
  });

  it('judges it afresh when a config its arguments name appears after it was approved without one', async () => {
    const ownMiner = scenarios.find((s) => s.name.startsWith("A user's own XMRig"))!.spec;
    const approval = await approvalOf({ ...ownMiner, files: {} });
    expect(approval.filesSha256).toBeUndefined();
    expect((await judged({ ...ownMiner, files: {} }, [approval])).verdict).toBe('approved');
    const appeared = await judged(ownMiner, [approval]);
    expect(appeared.verdict).toBe('mining');
    expect(appeared.reasons[0]?.text).toContain(
      'a script or configuration its arguments name (none could be read when it was approved)',
    );
  });
});

describe('the files the scripts an item runs name, between reads', () => {
  it('reads the evidence again when one of them is edited, as when the plist is', async () => {
    const before = await readCapture(writeCapture(ownScriptedMiner('{"pools":[{"url":"127.0.0.1:3333"}]}')));
    const after = await readCapture(writeCapture(ownScriptedMiner(poolConfig(THIEF))));
    const analyzer = new Analyzer(before.inventory, DEFAULT_SCAN_OPTIONS);
    for (const sample of before.samples) analyzer.addSample(sample);
    const codes = () =>
      analyzer
        .result()
        .items.find((i) => i.item.label === LABEL)
        ?.reasons.map((r) => r.code);
    expect(codes()).not.toContain('args.pool-host');
    analyzer.setInventory(after.inventory);
    expect(codes()).toEqual(expect.arrayContaining(['args.pool-host', 'args.wallet']));
  });
});
