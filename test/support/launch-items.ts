// Launch items as a reader hands them to the engine, for tests and benchmarks: one place knows every
// field an item must have, so a test names only the fields it is about.
import type { LaunchItem } from '../../main/engine/model';

/**
 * A user Launch Agent at `plistPath`, started at load and not kept alive, read without a problem. Its id
 * is its plist's path and its program its first argument unless `fields` say otherwise.
 */
export function launchAgent(plistPath: string, label: string, fields: Partial<LaunchItem> = {}): LaunchItem {
  const args = fields.arguments ?? ['/x'];
  return {
    id: plistPath,
    label,
    plistPath,
    kind: 'LaunchAgent',
    scope: 'user',
    program: args[0],
    arguments: args,
    runAtLoad: true,
    keepAlive: false,
    watchPaths: [],
    limitLoadToSessionType: [],
    problems: [],
    persistenceTechnique: 'T1543.001',
    ...fields,
  };
}
