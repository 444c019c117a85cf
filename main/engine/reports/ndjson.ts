// --ndjson: one JSON object per item per line, each with host and time, for SIEM ingestion.
import type { ScanResult } from '../model';
import { toScanDocument } from '../scan-document';

export function toNdjson(result: ScanResult): string {
  const doc = toScanDocument(result);
  const time = doc.span?.endedAt ?? new Date().toISOString();
  return (
    doc.items
      .map((item) =>
        JSON.stringify({
          tool: doc.tool,
          schemaVersion: doc.schemaVersion,
          time,
          source: doc.source,
          host: doc.host,
          window: doc.window,
          ...item,
        }),
      )
      .join('\n') + (doc.items.length > 0 ? '\n' : '')
  );
}
