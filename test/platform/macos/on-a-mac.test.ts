// The parsers fed this Mac's own command output: it runs in the macOS CI workflow
// (.github/workflows/macos.yml) on GitHub's macOS runners. Elsewhere there is no macOS command to run,
// so it is skipped there (the recorded real output in test/fixtures/macos covers the parsers).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseCodesignOutput } from '../../../main/platform/macos/codesign';
import { parseLaunchctlList } from '../../../main/platform/macos/launchctl-list';
import { LSOF_ARGS, PS_ARGS } from '../../../main/platform/macos/live-reader';
import { parseLsof } from '../../../main/platform/macos/lsof';
import { parsePs } from '../../../main/platform/macos/ps';

const run = (command: string, args: string[]): string => {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // lsof exits 1 when nothing matches; codesign writes to stderr.
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
};

describe.skipIf(process.platform !== 'darwin')('parsers on this Mac (macOS CI only)', () => {
  it('reads every row of ps, lsof and launchctl list, and Apple signatures', () => {
    const ps = parsePs(run('ps', PS_ARGS));
    expect(ps.problems).toEqual([]);
    expect(ps.records.length).toBeGreaterThan(20);
    const lsof = parseLsof(run('lsof', LSOF_ARGS));
    expect(lsof.problems).toEqual([]);
    const list = parseLaunchctlList(run('launchctl', ['list']));
    expect(list.problems).toEqual([]);
    expect(list.records.some((r) => r.label.startsWith('com.apple.'))).toBe(true);
    const ls = parseCodesignOutput('/bin/ls', run('codesign', ['-dv', '--verbose=2', '/bin/ls']));
    expect(ls.status).toBe('apple');
  });
});
