// kill -9 while the history is being written, at random moments, ten times over one store: it always
// opens again, passes SQLite's integrity check, and every tick the writer saw committed is there.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../main/history/history-store';

const root = join(__dirname, '../..');
const START = Date.parse('2026-11-01T00:00:00Z');

/** Runs the writer until it has committed at least `atLeast` ticks, then SIGKILLs it after a random delay. */
function writeThenKill(state: string, start: number, atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // node itself runs the writer (tsx as a loader, not tsx's CLI, which would leave a child behind).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'history-writer.ts'), state, String(start)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let committed = 0;
    let buffered = '';
    let stderr = '';
    let armed = false;
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) committed = Math.max(committed, Number(line));
      if (!armed && committed >= atLeast) {
        armed = true;
        // Somewhere inside a later transaction, most likely.
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 40));
      }
    });
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the writer stopped on its own: ${stderr}`));
      else resolve(committed);
    });
  });
}

describe('the history survives kill -9', () => {
  it('opens, checks whole, and keeps every committed tick, after ten kills at random moments', async () => {
    const state = mkdtempSync(join(tmpdir(), 'lw-history-kill-'));
    for (let round = 0; round < 10; round++) {
      // Each round writes its own stretch of time, so the items it adds are its own.
      const start = START + round * 86_400_000;
      const committed = await writeThenKill(state, start, 3 + Math.floor(Math.random() * 10));
      const store = HistoryStore.open(state, start);
      expect(store.notes, `round ${round}`).toEqual([]);
      const seen = new Set(store.review(start).map((e) => e.label));
      for (let tick = 1; tick <= committed; tick++)
        expect(seen.has(`item-${start}-${tick}`), `round ${round}, tick ${tick}`).toBe(true);
      store.close();
    }
  }, 120_000);
});
