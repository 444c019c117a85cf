// The words a Mac owner reads first: one sentence per flagged item, CPU as a share of the Mac, a
// signature in words with its team said once, and a table that fits its columns.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { cpuInWords, signatureInWords } from '../../main/engine/plain-words';
import { toHtmlReport } from '../../main/engine/reports/html-report';
import { renderTable } from '../../main/engine/terminal-table';
import type { ItemResult, ScanResult } from '../../main/engine/model';
import { writeCapture } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';

describe('plain words', () => {
  it('CPU as a share of one core and of the whole Mac', () => {
    expect(cpuInWords(390, 8)).toBe('390% of one core (about half of all 8 cores)');
    expect(cpuInWords(800, 8)).toBe('800% of one core (about all 8 cores)');
    expect(cpuInWords(30, 8)).toBe('30.0% of one core (4% of all 8 cores)');
    expect(cpuInWords(45, 1)).toBe('45.0% of one core');
  });

  it('a signature in words, the team said once', () => {
    expect(
      signatureInWords({
        path: '/x',
        status: 'developer-id',
        teamId: 'QWERTY1234',
        authorities: ['Developer ID Application: Backblaze Inc (QWERTY1234)', 'Developer ID Certification Authority'],
      }),
    ).toBe('Developer ID: Backblaze Inc, team QWERTY1234');
    expect(signatureInWords({ path: '/x', status: 'adhoc', authorities: [] })).toBe(
      'ad hoc only: no developer stands behind it',
    );
    expect(signatureInWords(undefined)).toBe('not known');
  });

  it('each flagged item in one sentence, in the report and the terminal; reason codes stay in the detail', async () => {
    const result = await replay(writeCapture(scenarios.find((s) => s.name.startsWith('CookieMiner: a fake'))!.spec), {
      windowSeconds: 120,
      cpuThresholdPercent: 25,
    });
    const sentence =
      /com\.apple\.rig2 is mining cryptocurrency: it uses \d+% of one core \(about a (quarter|third) of all 8 cores\) and .+\. Disable it \(Launchwatch keeps a copy you can restore\)/;
    expect(toHtmlReport(result)).toMatch(sentence);
    expect(renderTable(result)).toMatch(sentence);
  });

  it('the table fits systemd kinds and tells apart items with the same label', () => {
    const item = (label: string, path: string, kind: string, scope: string) =>
      ({
        item: { label, plistPath: path, kind, scope },
        verdict: 'ok',
        cpu: { avgPercent: 0 },
        reasons: [],
        attack: [],
        destinations: [],
      }) as unknown as ItemResult;
    const result = {
      source: 'live',
      host: { hostname: 'h', os: 'Linux', osVersion: '6', cpuCount: 2 },
      privileged: false,
      options: { windowSeconds: 120, cpuThresholdPercent: 25 },
      samples: 2,
      notes: [],
      items: [
        item('x.service', '/etc/systemd/system/x.service', 'systemd-service', 'system'),
        item('x.service', '/home/a/.config/systemd/user/x.service', 'systemd-service', 'user'),
      ],
    } as unknown as ScanResult;
    const rows = renderTable(result)
      .split('\n')
      .filter((l) => l.startsWith('ok'));
    expect(rows).toEqual([
      expect.stringMatching(/^ok\s+0\.0 systemd-service system x\.service \(\/etc\/systemd\/system\/x\.service\)$/),
      expect.stringMatching(
        /^ok\s+0\.0 systemd-service user\s+x\.service \(\/home\/a\/\.config\/systemd\/user\/x\.service\)$/,
      ),
    ]);
  });
});
