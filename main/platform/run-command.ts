// Runs a stock command with an argv array (never a shell string), LC_ALL=C and a timeout, and says in
// plain words when it is missing, denied or slow, so that callers turn failures into notes.
import { execFile } from 'node:child_process';

export interface CommandOutput {
  stdout: string;
  stderr: string;
  /** Exit status; undefined when the command did not run to completion. */
  code?: number;
  /** Why the output is missing or partial, for a note. */
  problem?: string;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Exit codes that are not failures (lsof exits 1 when nothing matches). */
  okCodes?: number[];
  env?: NodeJS.ProcessEnv;
  maxBuffer?: number;
}

export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<CommandOutput> {
  const okCodes = options.okCodes ?? [0];
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 10_000,
        maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
        env: { ...(options.env ?? process.env), LC_ALL: 'C' },
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const out: CommandOutput = { stdout: String(stdout), stderr: String(stderr) };
        if (!error) {
          out.code = 0;
          return resolve(out);
        }
        const err = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string };
        const name = [command, ...args].join(' ');
        if (err.code === 'ENOENT') out.problem = `${command} not found: ${name} was not run`;
        else if (err.code === 'EACCES' || err.code === 'EPERM') out.problem = `${command}: permission denied`;
        else if (err.killed || err.signal === 'SIGTERM')
          out.problem = `${name} timed out after ${(options.timeoutMs ?? 10_000) / 1000} s`;
        else if (typeof err.code === 'number') {
          out.code = err.code;
          if (!okCodes.includes(err.code))
            out.problem = `${name} exited ${err.code}${stderr ? `: ${String(stderr).trim().split('\n')[0]}` : ''}`;
        } else out.problem = `${name} failed: ${err.message}`;
        resolve(out);
      },
    );
  });
}
