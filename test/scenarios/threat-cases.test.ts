import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { writeCapture } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';

describe('threat cases and look-alikes replayed from built captures', () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const result = await replay(writeCapture(scenario.spec), DEFAULT_SCAN_OPTIONS);
      for (const [label, verdict] of Object.entries(scenario.expect)) {
        const item = result.items.find((i) => i.item.label === label);
        expect(item, `item ${label}`).toBeDefined();
        expect({ label, verdict: item?.verdict, reasons: item?.reasons.map((r) => r.code) }).toMatchObject({
          label,
          verdict,
        });
        for (const code of scenario.reasons?.[label] ?? [])
          expect(
            item?.reasons.map((r) => r.code),
            `${label} reasons`,
          ).toContain(code);
      }
      // The mining app that is not a launch item is never blamed on one.
      for (const item of result.items) expect(item.processes.map((p) => p.pid)).not.toContain(990);
    });
  }
});
