// Where a long launchd label may wrap: after its dots (and dashes), the way its parts read
// ("com.example." / "agent"), never in the middle of a part unless one part alone is wider than the line.

/** A label cut after each "." or "-": the pieces, in order, that join back to the label. */
export function labelSegments(label: string, maxSegments = 64): string[] {
  const segments: string[] = [];
  let start = 0;
  for (let i = 0; i < label.length && segments.length < maxSegments - 1; i++) {
    const char = label[i];
    if ((char === '.' || char === '-') && i + 1 < label.length) {
      segments.push(label.slice(start, i + 1));
      start = i + 1;
    }
  }
  segments.push(label.slice(start));
  return segments;
}
