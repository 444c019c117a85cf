// A `systemctl` for the tests that remembers what it was told: `stop`/`start` change what `is-active`
// prints, `disable`/`enable` what `is-enabled` prints, with systemctl(1)'s exit statuses (is-active: 0
// when active, 3 otherwise; is-enabled: 0 when enabled, 1 otherwise). A unit starts active and enabled.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Shim } from './shims';

export function systemctlModel(): Shim {
  const state = mkdtempSync(join(tmpdir(), 'lw-systemd-'));
  return {
    script: `
for last in "$@"; do :; done
active="${state}/$last.active"
enabled="${state}/$last.enabled"
case " $* " in
  *" is-active "*) state=$(cat "$active" 2>/dev/null || echo active); echo "$state"; [ "$state" = active ] && exit 0; exit 3 ;;
  *" is-enabled "*) state=$(cat "$enabled" 2>/dev/null || echo enabled); echo "$state"; [ "$state" = enabled ] && exit 0; exit 1 ;;
  *" stop "*) echo inactive > "$active"; exit 0 ;;
  *" start "*) echo active > "$active"; exit 0 ;;
  *" disable "*) echo disabled > "$enabled"; exit 0 ;;
  *" enable "*) echo enabled > "$enabled"; exit 0 ;;
esac
`,
  };
}
