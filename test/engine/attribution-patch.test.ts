// Patching the last attribution for a few changed processes must give exactly what attributing the
// whole table again gives: checked step by step over long random churn (seeded, so a failure repeats).
import { describe, expect, it } from 'vitest';
import {
  attractorsOf,
  attributeProcesses,
  buildProcessTable,
  patchAttribution,
  type CachedAttribution,
} from '../../main/engine/attribution';
import type { LaunchItem, LoadedService, ProcessRecord } from '../../main/engine/model';
import { programsStartedBy } from '../../main/engine/started-programs';
import { launchAgent } from '../support/launch-items';

const item = (n: number, extra: Partial<LaunchItem> = {}): LaunchItem =>
  launchAgent(`/Library/LaunchAgents/item${n}.plist`, `com.item${n}`, {
    arguments: [`/opt/item${n}/run`, '--serve'],
    keepAlive: true,
    ...extra,
  });

/** A small linear congruential generator: the same seed gives the same churn. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function asSets(attribution: Map<string, { rootPids: number[]; pids: number[] }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, a] of [...attribution].sort(([x], [y]) => x.localeCompare(y)))
    out[id] = `${[...a.rootPids].sort((x, y) => x - y).join(',')} | ${[...a.pids].sort((x, y) => x - y).join(',')}`;
  return out;
}

describe('attribution patched for the processes that changed', () => {
  for (const seed of [1, 7, 42, 1234, 99_999]) {
    it(`equals attributing everything again, over 400 random steps (seed ${seed})`, () => {
      const next = random(seed);
      const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)] as T;
      // Launchd lists 1-3; 4-6 are found by their arguments or program; 7 is an interpreter (sh) item.
      const items = [1, 2, 3, 4, 5, 6].map((n) => item(n));
      items.push(item(7, { program: '/bin/sh', arguments: ['/bin/sh', '-c', 'loop'] }));
      // 8 starts a program that detaches (XMRig's --background): found as launchd's child running it.
      items.push(item(8, { program: '/bin/sh', arguments: ['/bin/sh', '-c', 'exec /opt/item8/miner --background'] }));
      const started = new Map(items.map((i) => [i.id, programsStartedBy(i, new Map(), '/Users/alice')]));
      const loaded = new Map<string, LoadedService>(
        [1, 2, 3].map((n) => [`com.item${n}`, { label: `com.item${n}`, pid: 100 + n }]),
      );
      const attractors = attractorsOf(items, loaded, started);
      const exclude = new Set([999]);
      let clock = 1_000_000;
      let nextPid = 2000;
      const processes = new Map<number, ProcessRecord>();
      const add = (pid: number, ppid: number, args: string[]): void => {
        processes.set(pid, { pid, ppid, uid: 501, startedAt: clock, cpuSeconds: 0, args: args.join(' '), argv: args });
      };
      add(1, 0, ['/sbin/launchd']);
      add(999, 1, ['/Applications/Launchwatch.app/Contents/MacOS/Launchwatch']);
      for (const n of [1, 2, 3]) add(100 + n, 1, [`/opt/item${n}/run`, '--serve']);
      add(204, 1, ['/opt/item4/run', '--serve']);
      add(300, 1, ['/Applications/Other.app/Contents/MacOS/Other']);

      const fresh = (): CachedAttribution => {
        // Copies: the live records change later (reparenting), as a new sample's would not.
        const table = buildProcessTable([...processes.values()].map((p) => ({ ...p })));
        const attribution = attributeProcesses(items, loaded, table, exclude, undefined, started);
        const owner = new Map<number, string>();
        for (const [id, a] of attribution) for (const pid of a.pids) owner.set(pid, id);
        return { version: 1, processes: [...table.byPid.values()], byPid: table.byPid, attribution, owner };
      };
      let cached = fresh();
      let patched = 0;
      for (let step = 0; step < 400; step++) {
        clock += 5000;
        const changes = 1 + Math.floor(next() * 4);
        for (let c = 0; c < changes; c++) {
          const roll = next();
          const pids = [...processes.keys()].filter((p) => p !== 1);
          if (roll < 0.35) {
            // A child of anything (an item's process, the app, another app, a child of a child).
            const parent = pick([...processes.keys()]);
            add(nextPid++, parent, [`/usr/bin/helper`, `--job`, String(step)]);
          } else if (roll < 0.55 && pids.length > 0) {
            // Something exits; its children are reparented to launchd.
            const gone = pick(pids);
            processes.delete(gone);
            for (const p of processes.values()) if (p.ppid === gone) p.ppid = 1;
          } else if (roll < 0.62) {
            // A process that matches an item by its arguments or program, or by a pid launchd listed.
            const n = 4 + Math.floor(next() * 3);
            add(nextPid++, pick([1, 1, 300]), [`/opt/item${n}/run`, ...(next() < 0.5 ? ['--serve'] : ['--other'])]);
          } else if (roll < 0.68) {
            const n = 1 + Math.floor(next() * 3);
            if (!processes.has(100 + n)) add(100 + n, 1, [`/opt/item${n}/run`, '--serve']);
          } else if (roll < 0.72) {
            // A pid reused by a newer process.
            const reused = pick(pids);
            if (reused !== 999) add(reused, pick([1, 300]), ['/usr/bin/reused', String(step)]);
          } else if (roll < 0.76) {
            add(nextPid++, 1, ['/bin/sh', '-c', 'loop']);
          } else if (roll < 0.8) {
            add(nextPid++, 999, ['/usr/bin/own-child']);
          } else if (roll < 0.85) {
            // Item 8's miner: detached (launchd's child), or still under whatever ran it.
            add(nextPid++, pick([1, 1, 300, ...pids]), ['/opt/item8/miner', '--background']);
          }
          if (nextPid > 2600) nextPid = 2000; // pids wrap around
        }
        const table = buildProcessTable([...processes.values()].map((p) => ({ ...p })));
        const candidate: CachedAttribution = {
          ...cached,
          attribution: new Map(cached.attribution),
          owner: new Map(cached.owner),
        };
        const full = attributeProcesses(items, loaded, table, exclude, undefined, started);
        if (patchAttribution(candidate, table, attractors, exclude)) {
          patched++;
          expect(asSets(candidate.attribution), `step ${step}`).toEqual(asSets(full));
          const owner = new Map<number, string>();
          for (const [id, a] of full) for (const pid of a.pids) owner.set(pid, id);
          expect(new Map([...candidate.owner].sort()), `step ${step}`).toEqual(new Map([...owner].sort()));
          cached = { ...candidate, processes: [...table.byPid.values()], byPid: table.byPid };
        } else cached = fresh();
      }
      // Most steps are patched (the test would prove nothing if every step fell back).
      expect(patched).toBeGreaterThan(150);
    });
  }
});
