// The whole live loop, no mocks: real processes, real CPU, a real Stratum conversation on loopback,
// read by the Linux reader through live `scan`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStratumPool, type TestPool } from '../support/stratum-pool';

const programs = join(__dirname, 'programs');
const root = join(__dirname, '../..');
const WALLET = `4${'8Bq1F2'.repeat(16).slice(0, 94)}`;

describe.runIf(process.platform === 'linux')('live scan on Linux', () => {
  const children: ChildProcess[] = [];
  let pool: TestPool;
  let home: string;
  let minerArgv: string[];

  beforeAll(async () => {
    pool = await startStratumPool();
    home = mkdtempSync(join(tmpdir(), 'lw-home-'));
    const units = join(home, '.config/systemd/user');
    mkdirSync(units, { recursive: true });
    minerArgv = [
      process.execPath,
      join(programs, 'test-miner.mjs'),
      '-o',
      `stratum+tcp://127.0.0.1:${pool.port}`,
      '-u',
      WALLET,
    ];
    const definitions: Record<string, string[]> = {
      'lw-test-miner.service': minerArgv,
      'lw-test-burner.service': [process.execPath, join(programs, 'burn.mjs')],
      'lw-test-idler.service': [process.execPath, join(programs, 'idle.mjs')],
    };
    for (const [name, argv] of Object.entries(definitions)) {
      writeFileSync(
        join(units, name),
        `[Unit]\nDescription=${name}\n\n[Service]\nExecStart=${argv.join(' ')}\nRestart=always\n\n[Install]\nWantedBy=default.target\n`,
      );
      // No systemd runs here: the test starts what the unit would.
      const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
      children.push(child);
    }
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await pool?.close();
  });

  it('flags the miner as mining, the burner as high-cpu and leaves the idler ok', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.XDG_CONFIG_HOME;
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const scan = spawn(
        process.execPath,
        [
          join(root, 'node_modules/tsx/dist/cli.mjs'),
          join(root, 'main/cli.ts'),
          'scan',
          '--duration',
          '20',
          '--interval',
          '2',
          '--window',
          '10',
          '--json',
        ],
        { env, cwd: root },
      );
      let stdout = '';
      let stderr = '';
      scan.stdout.on('data', (c) => (stdout += c));
      scan.stderr.on('data', (c) => (stderr += c));
      scan.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(out.code, out.stderr).toBe(1);
    const doc = JSON.parse(out.stdout);
    const item = (label: string) => doc.items.find((i: { label: string }) => i.label === label);

    const miner = item('lw-test-miner.service');
    expect(miner).toMatchObject({
      kind: 'systemd-service',
      scope: 'user',
      verdict: 'mining',
      running: true,
      attribution: 'arguments',
    });
    expect(miner.attack).toEqual(expect.arrayContaining(['AN0743', 'T1496', 'T1543.002']));
    expect(miner.reasons.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining(['args.stratum-url', 'net.configured-pool', 'cpu.sustained']),
    );
    expect(miner.destinations).toContainEqual(
      expect.objectContaining({
        remoteAddress: '127.0.0.1',
        remotePort: pool.port,
        protocol: 'TCP',
        state: 'ESTABLISHED',
        classification: 'configured-pool',
      }),
    );
    expect(miner.cpu.avgPercent).toBeGreaterThan(25);

    expect(item('lw-test-burner.service')).toMatchObject({ verdict: 'high-cpu', running: true });
    expect(item('lw-test-idler.service')).toMatchObject({ verdict: 'ok', running: true });
    // The miner really spoke Stratum to the pool the test served.
    expect(pool.logins).toBeGreaterThanOrEqual(1);
    expect(pool.submits).toBeGreaterThan(10);

    // The scan went into this machine's history (SQLite in the state folder): the three units are new,
    // and `review` lists them, with the miner's verdict.
    expect(existsSync(join(home, '.local/state/launchwatch/history.sqlite'))).toBe(true);
    const review = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'main/cli.ts'), 'review', '--json'],
        { env, cwd: root },
      );
      let stdout = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(review.code).toBe(1);
    const listed = JSON.parse(review.stdout).items as { label: string; verdict: string }[];
    expect(listed).toContainEqual(expect.objectContaining({ label: 'lw-test-miner.service', verdict: 'mining' }));
    expect(listed.map((i) => i.label)).toEqual(
      expect.arrayContaining(['lw-test-burner.service', 'lw-test-idler.service']),
    );
  }, 60_000);
});
