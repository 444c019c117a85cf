// PATH shims: tiny executables named like macOS commands that print recorded output and log the argv
// they were called with, so the live readers run for real against known text.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Shim {
  /** stdout to print (verbatim); a list prints the next entry on each call, then repeats the last. */
  stdout?: string | string[];
  stderr?: string;
  exitCode?: number;
  /** Seconds to sleep first (to test timeouts). */
  sleep?: number;
  /** A shell body that replaces the printing (it sees the arguments as "$@"), for per-subcommand answers. */
  script?: string;
}

/** Creates a folder of shims and returns it with the file their argv is logged to. */
export function makeShims(shims: Record<string, Shim>): { dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lw-shims-'));
  const log = join(dir, 'argv.log');
  writeFileSync(log, '');
  mkdirSync(join(dir, 'out'));
  for (const [name, shim] of Object.entries(shims)) {
    const outputs = Array.isArray(shim.stdout) ? shim.stdout : [shim.stdout ?? ''];
    outputs.forEach((text, i) => writeFileSync(join(dir, 'out', `${name}.${i}.stdout`), text));
    writeFileSync(join(dir, 'out', `${name}.count`), '0');
    writeFileSync(join(dir, 'out', `${name}.stderr`), shim.stderr ?? '');
    // Each argument on its own line, NUL-free, so tests can check the exact argv.
    const script = `#!/bin/sh
{ printf '%s' "${name}"; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\n'; } >> "${log}"
${shim.sleep ? `sleep ${shim.sleep}` : ''}
${shim.script ?? ''}
n=$(cat "${join(dir, 'out', `${name}.count`)}")
echo $((n + 1)) > "${join(dir, 'out', `${name}.count`)}"
[ "$n" -lt ${outputs.length} ] || n=${outputs.length - 1}
cat "${join(dir, 'out', name)}.$n.stdout"
cat "${join(dir, 'out', `${name}.stderr`)}" >&2
exit ${shim.exitCode ?? 0}
`;
    writeFileSync(join(dir, name), script);
    chmodSync(join(dir, name), 0o755);
  }
  return { dir, log };
}
