// Starting web mode and Debian's Chromium for the UI tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { HEADLESS_CHROMIUM_FLAGS } from '../../main/cli/pdf-print';

const root = join(import.meta.dirname ?? __dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
/** The command line's own flags for headless Chromium, and no QUIC (tests talk to 127.0.0.1 only). */
export const CHROMIUM_FLAGS = [...HEADLESS_CHROMIUM_FLAGS, '--disable-quic'];

/** Starts `launchwatch web` and resolves with the one line it prints. */
export async function startWeb(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'main/cli.ts'), 'web', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c) => (stderr += c));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c) => {
      out += c;
      const match = /^Launchwatch web UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)\n$/.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`web exited ${code}: ${stderr}`)));
  });
  return { url, child };
}
