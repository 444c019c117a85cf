// Known vendors (assets/indicators/known-vendors.json): a security tool signed by its vendor that runs
// from an odd place and burns CPU is busy, not suspicious; the same signature on a miner is still a miner.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { loadIndicators } from '../../main/engine/indicators';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { writeCapture, type CaptureSpec } from '../support/capture-builder';
import { DEVELOPER_ID } from '../support/scenarios';

const AGENT = '/Library/Application Support/.falcon/agentd';
const agent = (args: string[]): CaptureSpec => ({
  items: [
    {
      path: '/Library/LaunchDaemons/com.crowdstrike.falcond.plist',
      plist: { Label: 'com.apple.security.falcond', ProgramArguments: [AGENT, ...args], KeepAlive: true },
    },
  ],
  processes: [{ pid: 300, ppid: 1, uid: 0, args: [AGENT, ...args].join(' '), cpu: 120 }],
  codesign: { [AGENT]: DEVELOPER_ID(AGENT, 'com.crowdstrike.falcond', 'CrowdStrike Inc.', 'X9E956P446') },
  privileged: true,
});

describe('known vendors', () => {
  it('every entry is a 10-character Team ID with a source (the file loads)', () => {
    expect(loadIndicators().knownVendors.get('X9E956P446')).toEqual({ name: 'CrowdStrike', kind: 'security' });
  });

  it('a vendor-signed tool under an Apple-looking label that burns CPU is busy, said to be the vendor’s, not suspicious', async () => {
    const result = await replay(writeCapture(agent([])), DEFAULT_SCAN_OPTIONS);
    const item = result.items.find((i) => i.item.label === 'com.apple.security.falcond');
    expect(item?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['cpu.sustained', 'hide.masquerade']));
    expect(item?.verdict).toBe('high-cpu');
    expect(item?.vendor).toEqual({ teamId: 'X9E956P446', name: 'CrowdStrike', kind: 'security' });
    // Without the vendor's signature, the same item is suspicious.
    const unsigned = { ...agent([]), codesign: { [AGENT]: `${AGENT}: code object is not signed at all` } };
    const other = (await replay(writeCapture(unsigned), DEFAULT_SCAN_OPTIONS)).items[0];
    expect(other?.verdict).toBe('suspicious');
  });

  it('the vendor’s signature does not clear mining evidence', async () => {
    const result = await replay(
      writeCapture(agent(['-o', 'stratum+tcp://pool.supportxmr.com:3333', '-u', 'x'])),
      DEFAULT_SCAN_OPTIONS,
    );
    expect(result.items.find((i) => i.item.label === 'com.apple.security.falcond')?.verdict).toBe('mining');
  });
});
