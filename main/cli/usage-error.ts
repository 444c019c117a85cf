import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_SCAN_OPTIONS, type ScanOptions } from '../engine/model';

/** A mistake in how the command was called or in its input: exit status 2, message on stderr. */
export class UsageError extends Error {}

/** `--help` (or `-h`) on a subcommand: its usage on stdout, exit status 0. */
export class HelpRequested extends Error {}

/** Throws HelpRequested with `usage` when the arguments ask for help. */
export function helpIfAsked(argv: string[], usage: string): void {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(usage);
}

export function positiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * A subcommand's flags: --help answers with the usage; anything parseArgs refuses (an unknown flag, a
 * missing value, a stray word) is a UsageError naming it, followed by the usage.
 */
export function parseFlags<const T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
) {
  helpIfAsked(argv, usage);
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

/** --window and --cpu-threshold: the two knobs of "sustained" that scan, web and fleet share. */
export function sustainedOptions(values: {
  window?: string | undefined;
  'cpu-threshold'?: string | undefined;
}): ScanOptions {
  return {
    windowSeconds: positiveNumber('--window', values.window, DEFAULT_SCAN_OPTIONS.windowSeconds),
    cpuThresholdPercent: positiveNumber(
      '--cpu-threshold',
      values['cpu-threshold'],
      DEFAULT_SCAN_OPTIONS.cpuThresholdPercent,
    ),
  };
}
