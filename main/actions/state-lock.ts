// One lock for every Launchwatch process that shares a state folder (the app, the CLI, web mode): while
// one of them disables, undoes or recovers, another must not "recover" the same action half-way. The
// lock names its holder by pid and start time, so a lock left by a crashed process (or a pid reused
// since) is taken over, never waited on forever.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessControl } from './executor';

interface Holder {
  pid: number;
  startedAt: number;
}

export class StateLockBusy extends Error {}

export class StateLock {
  readonly path: string;
  private held = false;

  constructor(
    stateDir: string,
    private readonly processes: ProcessControl,
  ) {
    this.path = join(stateDir, 'actions.lock');
  }

  /** Runs `work` holding the lock; throws StateLockBusy naming the holder when another live process has it. */
  async withLock<T>(work: () => Promise<T>): Promise<T> {
    if (this.held) return work();
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    const me: Holder = { pid: process.pid, startedAt: Math.round(Date.now() - process.uptime() * 1000) };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(this.path, 'wx', 0o600);
        try {
          writeSync(fd, JSON.stringify(me));
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        this.held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const text = readText(this.path);
      if (text === undefined) continue;
      const holder = parseHolder(text);
      if (holder && holder.pid !== process.pid && (await this.processes.isSame(holder.pid, holder.startedAt))) {
        throw new StateLockBusy(
          `another Launchwatch (pid ${holder.pid}) is disabling or undoing an item right now; try again when it has finished`,
        );
      }
      this.takeOverStale(text);
    }
    throw new StateLockBusy(`could not take the lock ${this.path}`);
  }

  /** Moves a stale lock aside, and puts it back if what was moved is not the stale lock that was read. */
  private takeOverStale(staleText: string): void {
    const aside = `${this.path}.${randomBytes(4).toString('hex')}`;
    try {
      renameSync(this.path, aside);
    } catch {
      return;
    }
    if (readText(aside) === staleText) unlinkSync(aside);
    else renameSync(aside, this.path);
  }

  private release(): void {
    this.held = false;
    try {
      if (parseHolder(readText(this.path) ?? '')?.pid === process.pid) unlinkSync(this.path);
    } catch {
      // Gone already: nothing to release.
    }
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    return typeof value.pid === 'number' && typeof value.startedAt === 'number'
      ? { pid: value.pid, startedAt: value.startedAt }
      : undefined;
  } catch {
    // A lock whose holder cannot be read (a crash while writing it) is stale.
    return undefined;
  }
}
