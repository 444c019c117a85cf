// The scan result as a person reads it in a terminal: flagged items first with every reason, then a
// compact table of the rest.
import type { ScanResult } from './model';
import { sortItems } from './scan-document';
import { safeTerminalText as safe } from './terminal-text';
import { verdictSentence } from './plain-words';

export function renderTable(result: ScanResult, width = 100): string {
  const lines: string[] = [];
  const items = sortItems(result.items);
  const flagged = items.filter((i) => i.verdict === 'mining' || i.verdict === 'suspicious');
  const span =
    result.startedAt !== undefined && result.endedAt !== undefined
      ? Math.round((result.endedAt - result.startedAt) / 1000)
      : 0;
  lines.push(
    `Launchwatch: ${safe(result.host.hostname)} (${safe(result.host.os)} ${safe(result.host.osVersion)}), ${result.source}, ${result.samples} samples over ${span} s`,
  );
  lines.push(
    flagged.length === 0 && result.incomplete
      ? `The scan is incomplete: ${safe(result.incomplete)}. This is not an all-clear.`
      : flagged.length === 0
        ? `No launch item is mining or suspicious (${items.length} items checked).`
        : `${flagged.length} launch item${flagged.length === 1 ? ' is' : 's are'} flagged: ${flagged.map((i) => safe(i.item.label || i.item.plistPath)).join(', ')}`,
  );
  lines.push('');
  for (const r of items.filter((i) => i.reasons.length > 0 && i.verdict !== 'ok')) {
    lines.push(
      `${r.verdict.toUpperCase().padEnd(10)} ${safe(r.item.label || '(no label)')}  score ${r.score}  cpu ${r.cpu.avgPercent}%  [${r.attack.join(', ')}]`,
    );
    const sentence = verdictSentence(r, result.host.cpuCount);
    if (sentence) lines.push(`           ${safe(sentence)}`);
    lines.push(`           ${safe(r.item.plistPath)}`);
    for (const reason of r.reasons) lines.push(`           - ${safe(reason.text)}`);
    for (const d of r.destinations.slice(0, 5))
      lines.push(
        `           > ${safe(d.hostname ?? d.remoteAddress)}:${d.remotePort} ${d.protocol} ${d.state ?? ''} (${d.classification})`,
      );
    lines.push('');
  }
  // Columns as wide as their widest value (systemd-service, app-bundle); an item whose label another
  // item shares is told apart by its file.
  const kindWidth = Math.max(4, ...items.map((r) => r.item.kind.length));
  const scopeWidth = Math.max(5, ...items.map((r) => r.item.scope.length));
  const labelCount = new Map<string, number>();
  for (const r of items) labelCount.set(r.item.label, (labelCount.get(r.item.label) ?? 0) + 1);
  lines.push(
    `${'VERDICT'.padEnd(10)} ${'CPU%'.padStart(6)} ${'KIND'.padEnd(kindWidth)} ${'SCOPE'.padEnd(scopeWidth)} LABEL`,
  );
  for (const r of items) {
    const shared = r.item.label !== '' && (labelCount.get(r.item.label) ?? 0) > 1;
    const name = r.item.label ? (shared ? `${r.item.label} (${r.item.plistPath})` : r.item.label) : r.item.plistPath;
    const row = `${r.verdict.padEnd(10)} ${r.cpu.avgPercent.toFixed(1).padStart(6)} ${r.item.kind.padEnd(kindWidth)} ${r.item.scope.padEnd(scopeWidth)} ${safe(name)}`;
    lines.push(row.length > width ? `${row.slice(0, width - 1)}…` : row);
  }
  if (result.notes.length > 0) {
    lines.push('');
    for (const note of result.notes) lines.push(`note: ${safe(note)}`);
  }
  return `${lines.join('\n')}\n`;
}
