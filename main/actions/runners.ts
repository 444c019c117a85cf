// How action steps run commands and signal processes. Plain commands go through execFile with an argv
// array. Administrator steps on a Mac go through the system's password prompt (@vscode/sudo-prompt),
// which takes one command string: every argument was validated by the planner (labels, paths) and is
// single-quoted here, so nothing in it is ever read by the shell as syntax.
import { readFileSync } from 'node:fs';
import { shellQuote } from '../engine/shell-quote';
import { runCommand } from '../platform/run-command';
import type { CommandRunner, ProcessControl, RunResult } from './executor';

export { shellQuote };

export function localRunner(env?: NodeJS.ProcessEnv): CommandRunner {
  return {
    async run(argv) {
      const [command = '', ...args] = argv;
      const out = await runCommand(command, args, { timeoutMs: 30_000, okCodes: [0], ...(env ? { env } : {}) });
      const result: RunResult = { code: out.code ?? -1, stdout: out.stdout, stderr: out.stderr };
      if (out.code === undefined && out.problem) result.problem = out.problem;
      return result;
    },
  };
}

/**
 * The name macOS shows in the password prompt ("<name> wants to make changes"): it names the item.
 * sudo-prompt accepts only letters, digits and spaces, at most 70 characters.
 */
export function promptName(reason: string): string {
  const words = reason
    .replace(/^Launchwatch (needs an administrator to|is) /, '')
    .replace(/[^A-Za-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `Launchwatch ${words}`.slice(0, 70).trim();
}

/** Local commands, with administrator steps through the macOS password prompt (or as-is when root). */
export function macRunner(): CommandRunner {
  const local = localRunner();
  return {
    async run(argv, options) {
      if (!options.admin || process.getuid?.() === 0) return local.run(argv, options);
      const { exec } = await import('@vscode/sudo-prompt');
      const command = argv.map(shellQuote).join(' ');
      return new Promise((resolve) => {
        exec(command, { name: promptName(options.reason) }, (error, stdout, stderr) => {
          const result: RunResult = { code: error ? 1 : 0, stdout: String(stdout ?? ''), stderr: String(stderr ?? '') };
          if (error && /User did not grant permission/i.test(error.message))
            result.problem = 'the administrator password was not given';
          else if (error && !result.stderr) result.stderr = error.message;
          resolve(result);
        });
      });
    },
  };
}

/** Linux: a process is the same one while /proc/<pid>/stat has the same start time. */
export function linuxProcessControl(bootTimeMs: number, clockTicks = 100): ProcessControl {
  return {
    async isSame(pid, startedAt) {
      try {
        const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
        if (fields[0] === 'Z') return false;
        const started = bootTimeMs + (Number(fields[19]) / clockTicks) * 1000;
        return Math.abs(started - startedAt) < 2500;
      } catch {
        return false;
      }
    },
    async signal(pid, signal) {
      try {
        process.kill(pid, signal);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    },
  };
}

/** macOS: identity from `ps -o etime=`; root processes are signalled through the administrator prompt. */
export function macProcessControl(runner: CommandRunner): ProcessControl {
  return {
    async isSame(pid, startedAt) {
      const out = await runCommand('ps', ['-o', 'etime=', '-p', String(pid)], { timeoutMs: 5000, okCodes: [0, 1] });
      const etime = out.stdout.trim();
      const match = /^(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)$/.exec(etime);
      if (!match) return false;
      const seconds =
        Number(match[1] ?? 0) * 86400 + Number(match[2] ?? 0) * 3600 + Number(match[3]) * 60 + Number(match[4]);
      return Math.abs(Date.now() - seconds * 1000 - startedAt) < 2500;
    },
    async signal(pid, signal) {
      try {
        process.kill(pid, signal);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ESRCH') return;
        if (code !== 'EPERM') throw error;
        const result = await runner.run(['/bin/kill', `-${signal.replace(/^SIG/, '')}`, String(pid)], {
          admin: true,
          reason: 'Launchwatch needs an administrator to stop a root process.',
        });
        if (result.code !== 0)
          throw new Error(`kill ${pid}: ${result.problem ?? result.stderr.trim()}`, { cause: error });
      }
    },
  };
}
