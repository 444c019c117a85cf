// Mining indicators: data files in assets/indicators/, each entry with its public source. Validated on
// load so that a bad edit to a data file fails loudly, naming the file.
import { z } from 'zod';
import poolDomainsFile from '../../assets/indicators/pool-domains.json';
import stratumPortsFile from '../../assets/indicators/stratum-ports.json';
import minerProgramsFile from '../../assets/indicators/miner-programs.json';
import minerArgumentsFile from '../../assets/indicators/miner-arguments.json';
import appleProcessNamesFile from '../../assets/indicators/apple-process-names.json';
import knownVendorsFile from '../../assets/indicators/known-vendors.json';

const source = z.union([z.string(), z.array(z.string())]);

const poolDomains = z.object({
  entries: z.array(z.object({ suffix: z.string().min(3), pool: z.string().optional(), source })),
});
const stratumPorts = z.object({ entries: z.array(z.object({ port: z.number().int().min(1).max(65535), source })) });
const minerPrograms = z.object({ entries: z.array(z.object({ name: z.string().min(2), source })) });
const minerArguments = z.object({
  entries: z.array(
    z.object({
      option: z.string().regex(/^-/),
      takesValue: z.boolean().optional(),
      generic: z.boolean().optional(),
      source,
    }),
  ),
  algorithms: z.array(z.object({ name: z.string().min(2), source })),
});
const appleProcessNames = z.object({ entries: z.array(z.object({ name: z.string().min(2), source })) });
const knownVendors = z.object({
  entries: z.array(
    z.object({
      teamId: z.string().regex(/^[A-Z0-9]{10}$/, 'a 10-character Team ID'),
      name: z.string().min(2),
      kind: z.string(),
      source,
    }),
  ),
});

function load<T>(file: string, schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`assets/indicators/${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export interface Indicators {
  /** Known pool domain -> pool name, matched on the host or any parent domain. */
  poolSuffixes: Map<string, string>;
  stratumPorts: Set<number>;
  minerPrograms: Set<string>;
  /** Options only miners use (lower case, without `=value`). */
  minerOptions: Set<string>;
  algorithms: Set<string>;
  appleProcessNames: Set<string>;
  /** Ports where local anonymising proxies listen (I2P, Tor): a miner talking only to them hides its pool. */
  tunnelPorts: Set<number>;
  /** Team ID -> vendor of management, backup, security and developer tools (known-vendors.json). */
  knownVendors: Map<string, { name: string; kind: string }>;
}

export function loadIndicators(): Indicators {
  const pools = load('pool-domains.json', poolDomains, poolDomainsFile);
  const ports = load('stratum-ports.json', stratumPorts, stratumPortsFile);
  const programs = load('miner-programs.json', minerPrograms, minerProgramsFile);
  const args = load('miner-arguments.json', minerArguments, minerArgumentsFile);
  const apple = load('apple-process-names.json', appleProcessNames, appleProcessNamesFile);
  const vendors = load('known-vendors.json', knownVendors, knownVendorsFile);
  return {
    poolSuffixes: new Map(pools.entries.map((e) => [e.suffix.toLowerCase().replace(/^\./, ''), e.pool ?? e.suffix])),
    stratumPorts: new Set(ports.entries.map((e) => e.port)),
    minerPrograms: new Set(programs.entries.map((e) => e.name.toLowerCase())),
    // Options other software shares (GPU back ends, affinity, API ids) are not evidence.
    minerOptions: new Set(args.entries.filter((e) => !e.generic).map((e) => e.option.toLowerCase())),
    algorithms: new Set(args.algorithms.map((a) => a.name.toLowerCase())),
    appleProcessNames: new Set(apple.entries.map((e) => e.name)),
    // I2P HTTP proxy 4444, I2P SAM 7656, Tor SOCKS 9050 / Tor Browser 9150.
    tunnelPorts: new Set([4444, 4447, 7656, 9050, 9150]),
    knownVendors: new Map(vendors.entries.map((v) => [v.teamId, { name: v.name, kind: v.kind }])),
  };
}

/** The pool a host belongs to, matching the host itself or any parent domain in the list. */
export function poolForHost(indicators: Indicators, host: string): string | undefined {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const pool = indicators.poolSuffixes.get(labels.slice(i).join('.'));
    if (pool) return pool;
  }
  return undefined;
}

let cached: Indicators | undefined;
export function defaultIndicators(): Indicators {
  cached ??= loadIndicators();
  return cached;
}
