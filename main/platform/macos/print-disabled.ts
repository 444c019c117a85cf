// `launchctl print-disabled <domain>`: a `disabled services = { "label" => true|false }` block; macOS 14
// and later print `=> disabled|enabled` instead. Other blocks (login item associations) are ignored.

export function parsePrintDisabled(text: string): Map<string, boolean> {
  const overrides = new Map<string, boolean>();
  let inDisabledBlock = false;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (/^disabled services\s*=\s*\{/.test(line)) {
      inDisabledBlock = true;
      continue;
    }
    if (line.startsWith('}')) {
      inDisabledBlock = false;
      continue;
    }
    if (!inDisabledBlock) continue;
    const match = /^"(.*)"\s*=>\s*(true|false|disabled|enabled)\s*$/.exec(line);
    if (!match) continue;
    const [, label = '', state] = match;
    overrides.set(label, state === 'true' || state === 'disabled');
  }
  return overrides;
}
