import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ApprovalsStore, readApprovals, serializeApprovals } from '../../main/actions/approvals-store';
import { runCli } from '../support/cli';
import { replay } from '../../main/cli/scan-command';
import { approvalFor } from '../../main/engine/approvals';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { writeCapture } from '../support/capture-builder';
import { scenarios, WALLET } from '../support/scenarios';

const ownMiner = scenarios.find((s) => s.name.startsWith("A user's own XMRig"))!.spec;
const run = runCli;

describe('the approved inventory', () => {
  it('keeps an approved miner quiet (evidence still shown), until its plist changes', async () => {
    const capture = writeCapture(ownMiner);
    const before = await replay(capture, DEFAULT_SCAN_OPTIONS);
    const item = before.items.find((i) => i.item.label === 'homebrew.mxcl.xmrig')!;
    expect(item.verdict).toBe('mining');
    const file = join(mkdtempSync(join(tmpdir(), 'lw-appr-')), 'approvals.json');
    writeFileSync(
      file,
      serializeApprovals([approvalFor(item.item, 'my own miner', 'alice', new Date('2026-11-30T10:00:00Z'))]),
    );

    const approved = await run(['scan', '--replay', capture, '--approvals', file, '--json']);
    expect(approved.code).toBe(0);
    const doc = JSON.parse(approved.stdout);
    const shown = doc.items.find((i: { label: string }) => i.label === 'homebrew.mxcl.xmrig');
    expect(shown).toMatchObject({
      verdict: 'approved',
      judgedVerdict: 'mining',
      approval: { changed: false, note: 'my own miner' },
    });
    expect(shown.reasons.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining(['approval.ok', 'cpu.sustained', 'net.pool-host']),
    );

    // The plist is rewritten (another pool): the approval no longer applies.
    const changed = writeCapture({
      ...ownMiner,
      items: [{ ...ownMiner.items[0]!, plist: { ...(ownMiner.items[0]!.plist as object), RunAtLoad: false } }],
    });
    const after = JSON.parse((await run(['scan', '--replay', changed, '--approvals', file, '--json'])).stdout);
    const judged = after.items.find((i: { label: string }) => i.label === 'homebrew.mxcl.xmrig');
    expect(judged).toMatchObject({ verdict: 'mining', approval: { changed: true } });
    expect(judged.reasons[0]).toMatchObject({
      code: 'approval.changed',
      text: expect.stringContaining('changed since approval on 2026-11-30: its property list'),
    });

    // Same plist, but the config its arguments name now points elsewhere: judged afresh too.
    const config = Object.keys(ownMiner.files ?? {})[0] as string;
    const edited = writeCapture({
      ...ownMiner,
      files: { [config]: JSON.stringify({ pools: [{ url: 'evil.example:3333', user: WALLET }] }) },
    });
    const again = JSON.parse(
      (await run(['scan', '--replay', edited, '--approvals', file, '--json'])).stdout,
    ).items.find((i: { label: string }) => i.label === 'homebrew.mxcl.xmrig');
    expect(again.verdict).toBe('mining');
    expect(again.reasons[0].text).toContain('a script or configuration its arguments name');
  });

  it('vouches for files, not for a process launchd does not list as the job that only copies its command line', async () => {
    const item = (await replay(writeCapture(ownMiner), DEFAULT_SCAN_OPTIONS)).items[0]!;
    const file = join(mkdtempSync(join(tmpdir(), 'lw-appr-')), 'approvals.json');
    writeFileSync(file, serializeApprovals([approvalFor(item.item, 'my own miner', 'alice')]));
    // launchd lists the approved job as not running; another program runs with its exact argv (execve(2) lets
    // any starter choose argv) and mines to a pool of its own.
    const impostor = writeCapture({
      ...ownMiner,
      items: [{ path: ownMiner.items[0]!.path, plist: ownMiner.items[0]!.plist, listedStatus: 0 }],
      processes: ownMiner.processes.map((p) => (p.pid === 1500 ? { ...p, pid: 1600 } : p)),
      connections: [{ pid: 1600, local: '192.168.1.20:56000', remote: '45.76.100.7:3333' }],
    });
    const judged = JSON.parse((await run(['scan', '--replay', impostor, '--approvals', file, '--json'])).stdout)
      .items[0];
    expect(judged).toMatchObject({ verdict: 'mining', attribution: 'arguments', approval: { changed: true } });
    expect(judged.reasons[0].text).toContain(
      'its processes (launchd does not list them as this job; only their command line ties them to it)',
    );
  });

  it('refuses a bad approvals file naming the field, and --approvals naming the file', async () => {
    expect(() =>
      readApprovals('{"format":"launchwatch-approvals","version":1,"approvals":[{"label":"x"}]}', 'a.json'),
    ).toThrow(/a\.json: field "approvals\.0\.plistPath"/);
    expect(() => readApprovals('[]', 'b.json')).toThrow(/b\.json: expected an object/);
    expect(() => readApprovals('{"format":"launchwatch-approvals","version":2,"approvals":[]}', 'c.json')).toThrow(
      /c\.json: field "version"/,
    );
    const missing = await run([
      'scan',
      '--replay',
      writeCapture(ownMiner),
      '--approvals',
      '/nonexistent/approvals.json',
    ]);
    expect(missing).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--approvals /nonexistent/approvals.json: no such file'),
    });
  });

  it('stores, replaces, removes, exports and imports approvals', () => {
    const store = new ApprovalsStore(join(mkdtempSync(join(tmpdir(), 'lw-store-')), 'approvals.json'));
    const item = {
      id: '/L/a.plist',
      label: 'a',
      plistPath: '/L/a.plist',
      sha256: 'a'.repeat(64),
      programSha256: 'b'.repeat(64),
      program: '/bin/a',
      scriptNamedSha256: 'd'.repeat(64),
      scriptChainSha256: 'e'.repeat(64),
    } as never;
    store.approve(approvalFor(item, undefined, 'alice'));
    store.approve(approvalFor(item, 'again', 'alice'));
    expect(store.list()).toHaveLength(1);
    expect(store.list()[0]?.note).toBe('again');
    const exported = store.export();
    expect(store.unapprove((a) => a.label === 'a')).toHaveLength(1);
    expect(store.list()).toEqual([]);
    expect(store.import(exported, 'it.json').count).toBe(1);
    expect(store.list()[0]).toMatchObject({
      label: 'a',
      programSha256: 'b'.repeat(64),
      scriptFilesSha256: 'd'.repeat(64),
      scriptChainFilesSha256: 'e'.repeat(64),
    });
    // A CPU-only acceptance goes to disk and comes back; a figure that is not one is refused by field.
    store.approve(approvalFor(item, undefined, 'alice', new Date(), 400));
    expect(new ApprovalsStore(store.path).list()[0]?.cpuLimitPercent).toBe(400);
    expect(() =>
      readApprovals(store.export().replace('"cpuLimitPercent": 400', '"cpuLimitPercent": "lots"'), 'd.json'),
    ).toThrow(/d\.json: field "approvals\.0\.cpuLimitPercent"/);
  });
});

describe('approvals on the command line', () => {
  it('imports a file IT hands out and exports the inventory again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-cli-appr-'));
    vi.stubEnv('LAUNCHWATCH_STATE_DIR', join(dir, 'state'));
    try {
      const file = join(dir, 'fleet.json');
      writeFileSync(
        file,
        serializeApprovals([
          {
            label: 'homebrew.mxcl.xmrig',
            plistPath: '/Users/alice/Library/LaunchAgents/homebrew.mxcl.xmrig.plist',
            plistSha256: 'c'.repeat(64),
            approvedBy: 'it',
            approvedAt: '2026-11-30T10:00:00Z',
            note: 'fleet',
          },
        ]),
      );
      expect(await run(['approvals', 'import', file])).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('Imported 1 approvals'),
      });
      const exported = await run(['approvals', 'export']);
      expect(readApprovals(exported.stdout, 'stdout').approvals).toEqual([
        expect.objectContaining({ label: 'homebrew.mxcl.xmrig', note: 'fleet' }),
      ]);
      writeFileSync(file, '{"format":"launchwatch-approvals","version":1,"approvals":[{"label":1}]}');
      expect(await run(['approvals', 'import', file])).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('field "approvals.0.label"'),
      });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
