// The built CLI (`npm run build` → dist/cli, what `launchwatch` runs): its dependencies are inside it,
// and each command's code is loaded only when that command runs, so a replay starts without the live
// readers (systeminformation), the web server, the fleet ingest or the privileged-action code. Checked
// by what Node really loads: a module hook in the child logs every file it loads, and esbuild's metafile
// says what each file holds.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeCapture } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';

const root = join(__dirname, '../..');
const cookieMiner = scenarios.find((s) => s.name.startsWith('CookieMiner: a fake'))!.spec;
const bin = join(root, 'bin/launchwatch.mjs');

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** The files of dist/cli the child loaded, as the metafile names them (dist/cli/…). */
async function loadedFiles(args: string[]): Promise<{ code: number; stdout: string; files: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'lw-bundle-'));
  const log = join(dir, 'loaded.txt');
  // module.register's load hook sees every ES module the child loads, dynamic imports included.
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n');\n  return next(url, context);\n}\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  writeFileSync(log, '');
  const out = await promisify(execFile)(process.execPath, ['--import', pathToFileURL(register).href, bin, ...args], {
    cwd: root,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  const files = readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => relative(root, new URL(url).pathname))
    .filter((path) => path.startsWith('dist/cli/'));
  return { ...out, files };
}

/** What the loaded files hold: the sources and packages esbuild put in them. */
function inputsOf(files: string[]): string[] {
  const meta = JSON.parse(readFileSync(join(root, 'dist/cli/meta.json'), 'utf8')) as Metafile;
  return files.flatMap((file) => {
    const output = meta.outputs[file];
    if (!output) throw new Error(`${file} was loaded but is not in dist/cli/meta.json (a stale build?)`);
    return Object.keys(output.inputs);
  });
}

describe('the built CLI bundle', () => {
  it('replays a capture without loading the live readers, the web server, the fleet or the action code', async () => {
    const { code, stdout, files } = await loadedFiles(['scan', '--replay', writeCapture(cookieMiner), '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).items[0]).toMatchObject({ verdict: 'mining' });
    const inputs = inputsOf(files);
    // What a replay needs is there: the capture reader, the macOS parsers (a capture is the raw output
    // of macOS commands) and the engine, bundled with their packages.
    expect(inputs).toContain('main/platform/capture/capture-reader.ts');
    expect(inputs).toContain('main/platform/macos/launchctl-list.ts');
    expect(inputs).toContain('main/engine/analyzer.ts');
    expect(inputs.some((i) => i.startsWith('node_modules/zod/'))).toBe(true);
    // And nothing a replay does not use.
    const unneeded = inputs.filter(
      (i) =>
        i.startsWith('node_modules/systeminformation/') ||
        i.startsWith('node_modules/@vscode/sudo-prompt/') ||
        i.startsWith('node_modules/cli-progress/') ||
        i.startsWith('main/platform/linux/') ||
        i === 'main/platform/macos/live-reader.ts' ||
        i.startsWith('main/web/') ||
        i.startsWith('main/platform/osquery/') ||
        i === 'main/cli/live-scan.ts' ||
        i === 'main/actions/runners.ts',
    );
    expect(unneeded).toEqual([]);
  }, 30_000);

  it.skipIf(process.platform !== 'linux')(
    'loads the live reader and systeminformation from inside the bundle for a live scan of this machine',
    async () => {
      const { stdout, files } = await loadedFiles([
        'scan',
        '--duration',
        '2',
        '--interval',
        '1',
        '--json',
        '--no-history',
      ]);
      const inputs = inputsOf(files);
      expect(inputs).toContain('main/platform/linux/live-reader.ts');
      expect(inputs.some((i) => i.startsWith('node_modules/systeminformation/'))).toBe(true);
      // The machine facts come from systeminformation: bundled, it still reads this machine.
      const document = JSON.parse(stdout) as { source: string; host: { machine?: { cpuModel?: string } } };
      expect(document.source).toBe('live');
      expect(document.host.machine?.cpuModel).toEqual(expect.any(String));
    },
    30_000,
  );
});
