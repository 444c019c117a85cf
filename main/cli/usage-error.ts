/** A mistake in how the command was called or in its input: exit status 2, message on stderr. */
export class UsageError extends Error {}

export function positiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}
