// A result's notes: repeats said once with their count, in the order first said.
import { describe, expect, it } from 'vitest';
import { analyseSamples } from '../../main/engine/analyzer';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { readCapture } from '../../main/platform/capture/capture-reader';
import { writeCapture } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';

describe('the notes of a result', () => {
  it('a note said three times is said once with its count, each other note as it was, in order', async () => {
    const spec = scenarios.find((s) => s.name.startsWith('Backblaze'))!.spec;
    const capture = await readCapture(writeCapture(spec));
    const repeated = 'ps.txt line 9: not a process line';
    capture.inventory.notes.push(repeated, 'another note', repeated, repeated);
    const { notes } = analyseSamples(capture.inventory, capture.samples, DEFAULT_SCAN_OPTIONS);
    expect(notes.filter((n) => n.startsWith(repeated))).toEqual([`${repeated} (said 3 times)`]);
    expect(notes.indexOf(`${repeated} (said 3 times)`)).toBeLessThan(notes.indexOf('another note'));
    expect(new Set(notes).size).toBe(notes.length);
  });
});
