// Instructions, not time, for the benches: probes bundled into one file each (tsx under valgrind would
// compile at every start) and run under callgrind, either whole or counted in windows the probe marks.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = import.meta.dirname ?? __dirname;

export async function hasValgrind(): Promise<boolean> {
  return run('valgrind', ['--version']).then(
    () => true,
    () => false,
  );
}

/** test/bench/<name>.ts bundled to dist/bench/<name>.mjs; its packages stay external. */
export async function bundleProbe(name: string): Promise<string> {
  const outfile = join(here, `../../dist/bench/${name}.mjs`);
  await run(join(here, '../../node_modules/esbuild/bin/esbuild'), [
    join(here, `${name}.ts`),
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    '--packages=external',
    `--outfile=${outfile}`,
    '--log-level=warning',
  ]);
  return outfile;
}

// --predictable: GC and compilation on the one thread, so two runs count the same (within 0.5% in most
// runs; one week run of five counted 15-30% fewer on every day, for a reason not found).
const nodeUnderCallgrind = (probe: string, args: string[], extra: string[] = []): string[] => [
  '--tool=callgrind',
  '--callgrind-out-file=/dev/null',
  ...extra,
  process.execPath,
  '--predictable',
  probe,
  ...args,
];

/** The instructions of a whole run of a probe. */
export async function countRun(probe: string, args: string[]): Promise<number> {
  const { stderr } = await run('valgrind', nodeUnderCallgrind(probe, args), { maxBuffer: 1 << 24 });
  return Number(/I\s+refs:\s+([\d,]+)/.exec(stderr)?.[1]?.replaceAll(',', '') ?? Number.NaN);
}

/** The sum over threads of callgrind_control -e's totals ("   Th 1  17,388,341"). */
export function parseThreadTotals(text: string): number {
  let total = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 3 && fields[0] === 'Th' && /^[\d,]+$/.test(fields[2] ?? '')) {
      total += Number(fields[2]?.replaceAll(',', ''));
      seen = true;
    }
  }
  if (!seen) throw new Error(`callgrind_control -e gave no thread totals: ${text.slice(0, 200)}`);
  return total;
}

/**
 * Runs a probe under callgrind with counting off, and counts the instructions between each
 * "open <name>" and "close <name>" line it writes (it waits for a line on stdin after each). Counting
 * is switched with callgrind_control, which reaches valgrind through vgdb (valgrind's manual, 6.2.
 * Callgrind Command-line Options, --instr-atstart; callgrind_control(1)).
 */
export async function countWindows(probe: string, args: string[]): Promise<Map<string, number>> {
  const child = spawn('valgrind', nodeUnderCallgrind(probe, args, ['--instr-atstart=no']), {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 1 << 16) stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const control = async (...flags: string[]): Promise<string> =>
    (await run('callgrind_control', [...flags, String(child.pid)])).stdout;
  const counts = new Map<string, number>();
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const [what, name = ''] = line.split(' ');
      if (what === 'open') {
        await control('--zero');
        await control('--instr=on');
      } else if (what === 'close') {
        counts.set(name, parseThreadTotals(await control('-e')));
        await control('--instr=off');
      } else continue;
      child.stdin.write('go\n');
    }
  } finally {
    child.stdin.end();
  }
  const code = await exited;
  if (code !== 0) throw new Error(`${probe} under callgrind exited with ${code}: ${stderr.slice(-2000)}`);
  return counts;
}
