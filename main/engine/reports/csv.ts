// One row per item, RFC 4180 (CRLF, quotes doubled), and no cell that a spreadsheet would run as a
// formula: cells starting with = + - @ (or a tab or CR) get a leading apostrophe.
import type { ScanResult } from '../model';
import { sortItems } from '../scan-document';
import { visibleText } from '../terminal-text';

const HEADER = [
  'label',
  'kind',
  'scope',
  'verdict',
  'score',
  'cpu_avg_percent',
  'cpu_max_percent',
  'destinations',
  'reasons',
  'plist_path',
  'program',
  // Reports from many Macs merge into one sheet: every row says whose Mac and when.
  'host',
  'scanned_at',
];

export function csvCell(value: string | number | boolean): string {
  // Invisible characters shown by their code; a newline inside a cell is shown as `\n` too.
  let text = visibleText(String(value)).replace(/\r?\n/g, '\\n');
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(result: ScanResult): string {
  const rows = [HEADER];
  const scannedAt = result.endedAt !== undefined ? new Date(result.endedAt).toISOString() : '';
  for (const r of sortItems(result.items)) {
    rows.push([
      r.item.label,
      r.item.kind,
      r.item.scope,
      r.verdict,
      String(r.score),
      String(r.cpu.avgPercent),
      String(r.cpu.maxPercent),
      r.destinations
        .map((d) => `${d.hostname ?? d.remoteAddress}:${d.remotePort}/${d.protocol} ${d.classification}`)
        .join('; '),
      r.reasons.map((x) => `${x.code}: ${x.text}`).join('; '),
      r.item.plistPath,
      r.item.program ?? '',
      result.host.hostname,
      scannedAt,
    ]);
  }
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
