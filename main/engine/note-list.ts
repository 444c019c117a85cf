// The notes of a result, as a reader reads them: a note said twice (two bad lines alike, two reads that
// failed alike) is said once with its count, so a list of them is no longer than what it says.

export function withRepeatsCounted(notes: string[]): string[] {
  const counts = new Map<string, number>();
  for (const note of notes) counts.set(note, (counts.get(note) ?? 0) + 1);
  return [...counts].map(([note, count]) => (count === 1 ? note : `${note} (said ${count} times)`));
}
