// The Jamf extension attribute (assets/jamf/launchwatch-ea.sh) run by sh, with the headless scanner
// replaced by one that judges a capture instead of this machine: one <result> line, the worst verdict
// and the flagged items, and no label can end the <result> element early.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeCapture, type CaptureSpec } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';

const root = join(__dirname, '../..');
const run = promisify(execFile);

/** A stand-in for Contents/Resources/launchwatch: records its argv, then scans the capture with them. */
function scanner(capture: string): { path: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lw-ea-'));
  const log = join(dir, 'argv.log');
  const path = join(dir, 'launchwatch');
  writeFileSync(
    path,
    `#!/bin/sh\nprintf '%s\\n' "$*" > '${log}'\n# The live flags are replaced by the capture (there is no Mac here).\nexec '${process.execPath}' '${join(root, 'bin/launchwatch.mjs')}' scan --replay '${capture}' --summary --no-history\n`,
  );
  chmodSync(path, 0o755);
  return { path, log };
}

describe('the Jamf extension attribute', () => {
  it('prints the worst verdict and the flagged items in one <result>', async () => {
    const miner = scenarios.find((s) => s.name.startsWith('CookieMiner: a fake'))!.spec;
    const stub = scanner(writeCapture(miner));
    const { stdout } = await run('sh', [join(root, 'assets/jamf/launchwatch-ea.sh')], {
      env: { ...process.env, LW_LAUNCHWATCH: stub.path },
    });
    expect(stdout).toBe('<result>mining: com.apple.rig2 (mining)</result>\n');
    expect(readFileSync(stub.log, 'utf8')).toBe('scan --duration 60 --interval 5 --summary --no-history\n');
  }, 30_000);

  it('a label that holds </result> or markup cannot break out of the element', async () => {
    const miner = scenarios.find((s) => s.name.startsWith('CookieMiner: a fake'))!.spec;
    const evil: CaptureSpec = {
      ...miner,
      items: miner.items.map((i) => ({ ...i, plist: { ...(i.plist as object), Label: 'x</result><result>ok' } })),
    };
    const stub = scanner(writeCapture(evil));
    const { stdout } = await run('sh', [join(root, 'assets/jamf/launchwatch-ea.sh')], {
      env: { ...process.env, LW_LAUNCHWATCH: stub.path },
    });
    expect(stdout.match(/<\/?result>/g)).toEqual(['<result>', '</result>']);
    expect(stdout).toContain('x_/result__result_ok');
  }, 30_000);

  it('says so when Launchwatch is not installed', async () => {
    const { stdout } = await run('sh', [join(root, 'assets/jamf/launchwatch-ea.sh')], {
      env: { ...process.env, LW_LAUNCHWATCH: '/nonexistent/launchwatch' },
    });
    expect(stdout).toBe('<result>not installed</result>\n');
  });
});
