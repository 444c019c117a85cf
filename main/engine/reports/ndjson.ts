// --ndjson: one JSON object per item per line, each with host and time, for SIEM ingestion; then one per
// busy process no launch item owns that reaches a mining service (`unownedMiner` in place of the item).
import type { ScanResult } from '../model';
import { toScanDocument } from '../scan-document';

export function toNdjson(result: ScanResult): string {
  const doc = toScanDocument(result);
  const time = doc.span?.endedAt ?? new Date().toISOString();
  const envelope = {
    tool: doc.tool,
    schemaVersion: doc.schemaVersion,
    time,
    source: doc.source,
    host: doc.host,
    window: doc.window,
  };
  const lines = [
    ...doc.items.map((item) => JSON.stringify({ ...envelope, ...item })),
    ...doc.unownedMiners.map((unownedMiner) => JSON.stringify({ ...envelope, unownedMiner })),
  ];
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
