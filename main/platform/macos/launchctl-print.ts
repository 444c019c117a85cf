// `launchctl print <domain>/<label>`: whether launchd has the service, and its state and pid. Apple says
// the output is not API, so only the few `key = value` lines at the top level of the service's block are
// read, and "Could not find service" (exit 113) means not loaded.
import { decimalPid } from '../decimal-pid';

export interface LaunchctlPrint {
  loaded: boolean;
  state?: string;
  pid?: number;
  path?: string;
}

export function parseLaunchctlPrint(stdout: string, stderr: string, code: number): LaunchctlPrint {
  if (code !== 0 || stderr.includes('Could not find service')) return { loaded: false };
  const out: LaunchctlPrint = { loaded: true };
  let depth = 0;
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (line.endsWith('{')) {
      depth++;
      continue;
    }
    if (line === '}') {
      depth--;
      continue;
    }
    // Only the service's own block: nested blocks (environment, endpoints) hold lines of the same shape.
    if (depth !== 1) continue;
    const eq = line.indexOf(' = ');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 3);
    if (key === 'state') out.state = value;
    else if (key === 'pid') {
      const pid = decimalPid(value);
      if (pid !== undefined) out.pid = pid;
    } else if (key === 'path') out.path = value;
  }
  return out;
}
