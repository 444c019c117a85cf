// A live scan's progress, for real on this Linux machine: on a terminal (a pseudo-terminal from
// util-linux `script`) a bar redrawn in place; piped, one plain line a sample and no escape sequence.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const bin = join(root, 'bin/launchwatch.mjs');
const run = promisify(execFile);
const scan = ['scan', '--duration', '2', '--interval', '1', '--json', '--no-history'];

describe.skipIf(process.platform !== 'linux' || !existsSync('/usr/bin/script'))('live scan progress', () => {
  it('piped: "sample N of M" lines on stderr, and only the JSON on stdout', async () => {
    const { stdout, stderr } = await run(process.execPath, [bin, ...scan], { cwd: root }).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(stderr).toContain('sample 1 of 3\nsample 2 of 3\nsample 3 of 3\n');
    expect(stderr).not.toContain('\u001b[');
    expect(JSON.parse(stdout).tool).toBe('launchwatch');
  }, 30_000);

  it('on a terminal: a bar that redraws in place and is cleared when done', async () => {
    // script -q (no banner) -e (its exit status is the command's) -c <command> on a new pseudo-terminal;
    // stdout goes to /dev/null inside so only stderr (the bar) reaches the terminal's transcript.
    const command = `'${process.execPath}' '${bin}' ${scan.join(' ')} > /dev/null`;
    const { stdout } = await run('script', ['-qec', command, '/dev/null'], { cwd: root }).catch(
      (error: { stdout: string }) => error,
    );
    expect(stdout).toMatch(/sampling \[-+\] 0 of 3 samples/);
    expect(stdout).toMatch(/sampling \[#+\] 3 of 3 samples/);
    // Cleared at the end, so the table or JSON that follows starts on a clean line.
    expect(stdout.endsWith('\u001b[2K')).toBe(true);
    // Redrawn on one line (cursor moves back, not new lines for each sample).
    expect(stdout).not.toContain('sample 1 of 3');
    expect(stdout).toContain('\u001b[');
  }, 30_000);
});
