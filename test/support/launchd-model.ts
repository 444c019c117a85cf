// A launchd for the tests: `launchctl` on PATH is test/support/launchctl-model.mjs, whose answers (with
// their public sources) follow a real Mac's, over state kept in a JSON file this module reads and sets.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localRunner } from '../../main/actions/runners';
import type { CommandRunner } from '../../main/actions/executor';

export interface ModelService {
  path: string;
  pid: number;
  exitingUntil?: number;
}

export interface ModelState {
  /** domain (`gui/501`, `system`) -> label -> loaded service */
  domains: Record<string, Record<string, ModelService>>;
  /** domain -> label -> disabled override */
  disabled: Record<string, Record<string, boolean>>;
  /** `<domain>/<label>` -> when it was booted out (ms) */
  bootedOutAt: Record<string, number>;
  /** label -> how long a bootout takes to finish (answers 36 until then) */
  slowExitMs: Record<string, number>;
  /** How long after a bootout a bootstrap of the same label fails with 5. */
  bootstrapSettleMs: number;
  printDisabledForm: 'booleans' | 'words';
  nextPid: number;
  calls: { argv: string[]; root: boolean; at: number }[];
}

export interface LaunchdModel {
  env: NodeJS.ProcessEnv;
  shimDir: string;
  read(): ModelState;
  update(change: (state: ModelState) => void): void;
  load(domain: string, label: string, path: string): number;
  /** A runner whose administrator commands run as root in the model, counting each prompt. */
  runner(): CommandRunner & { prompts: number };
}

export function launchdModel(
  settings: Partial<Pick<ModelState, 'bootstrapSettleMs' | 'printDisabledForm'>> = {},
): LaunchdModel {
  const dir = mkdtempSync(join(tmpdir(), 'lw-launchd-'));
  const statePath = join(dir, 'state.json');
  const initial: ModelState = {
    domains: { 'gui/501': {}, system: {} },
    disabled: {},
    bootedOutAt: {},
    slowExitMs: {},
    bootstrapSettleMs: settings.bootstrapSettleMs ?? 0,
    printDisabledForm: settings.printDisabledForm ?? 'booleans',
    nextPid: 700,
    calls: [],
  };
  writeFileSync(statePath, JSON.stringify(initial));
  const shim = join(dir, 'launchctl');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(__dirname, 'launchctl-model.mjs')}" "$@"\n`);
  chmodSync(shim, 0o755);
  // The helper's turnon step reads a plist's Label with /usr/libexec/PlistBuddy (PlistBuddy(8)), as root.
  const plistBuddy = join(dir, 'PlistBuddy');
  writeFileSync(plistBuddy, `#!/bin/sh\nexec "${process.execPath}" "${join(__dirname, 'plistbuddy-shim.mjs')}" "$@"\n`);
  chmodSync(plistBuddy, 0o755);
  // The helper's administrator's quarantine, which on a Mac is a fixed root-owned folder.
  const env = {
    ...process.env,
    PATH: `${dir}:/usr/bin:/bin`,
    LW_LAUNCHD_STATE: statePath,
    LAUNCHWATCH_HELD_DIR: join(dir, 'held'),
  };
  const read = (): ModelState => JSON.parse(readFileSync(statePath, 'utf8')) as ModelState;
  const update = (change: (state: ModelState) => void): void => {
    // The same lock the model takes for each call.
    const lock = `${statePath}.lock`;
    for (let tries = 0; ; tries++) {
      try {
        mkdirSync(lock);
        break;
      } catch (error) {
        if (tries > 1000) throw error;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    }
    try {
      const state = read();
      change(state);
      writeFileSync(statePath, JSON.stringify(state));
    } finally {
      rmdirSync(lock);
    }
  };
  return {
    env,
    shimDir: dir,
    read,
    update,
    load(domain, label, path) {
      let pid = 0;
      update((state) => {
        pid = state.nextPid++;
        (state.domains[domain] ??= {})[label] = { path, pid };
      });
      return pid;
    },
    runner() {
      const user = localRunner(env);
      const admin = localRunner({ ...env, LW_MODEL_ROOT: '1' });
      const runner = {
        prompts: 0,
        async run(argv: string[], options: { admin: boolean; reason: string }) {
          if (options.admin) runner.prompts++;
          return (options.admin ? admin : user).run(argv, options);
        },
      };
      return runner;
    },
  };
}
