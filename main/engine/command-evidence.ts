// What a command line or a configuration file says about mining: pool endpoints, Stratum URLs, known
// pools, miner options, wallets, miner programs, headless VMs. Pure: argv or text in, findings out.
import { poolForHost, type Indicators } from './indicators';
import {
  commandLines,
  decodedScriptLines,
  interpreterCodeText,
  scriptInterpreter,
  shellCommandOf,
  type ReadingBounds,
} from './referenced-files';
import { decodedInterpreterCode, decodedShellText } from './encoded-commands';
import { basename, isCodeInterpreter, splitShellCommands } from './shell-words';
import { splitHostPort } from './address';

export interface PoolEndpoint {
  host: string;
  port?: number;
  /** A user or wallet was given with it (in the same command line or pool entry). */
  withLogin?: boolean;
  /** How it was named: `stratum URL`, `-o`, `pools[].url`, ... */
  via: string;
  /** Where: `arguments`, `config /path`, `command line of pid 42`. */
  where: string;
}

export interface KnownPoolMention {
  host: string;
  pool: string;
  where: string;
}

export interface CommandFindings {
  stratumUrls: PoolEndpoint[];
  /** Endpoints given to a pool option (`-o`, `--url`, `pools[].url`), with or without a scheme. */
  endpoints: PoolEndpoint[];
  knownPools: KnownPoolMention[];
  minerOptions: Set<string>;
  algorithms: Set<string>;
  wallets: Set<string>;
  minerPrograms: Set<string>;
  headlessVm: string | undefined;
  /** A script that looks for monitoring tools (Activity Monitor, Little Snitch) to hide from them. */
  watchesMonitors: string | undefined;
  /** A shell command that decodes base64 and runs it (encoded-commands.ts). */
  runsDecoded?: boolean;
  /** Where and what of it was past a reader's bounds and not read: the item is looked at harder. */
  unread?: string;
}

export function emptyFindings(): CommandFindings {
  return {
    stratumUrls: [],
    endpoints: [],
    knownPools: [],
    minerOptions: new Set(),
    algorithms: new Set(),
    wallets: new Set(),
    minerPrograms: new Set(),
    headlessVm: undefined,
    watchesMonitors: undefined,
  };
}

/** Whether a command line or file said nothing about mining (most do: those are not kept). */
export function saysNothing(f: CommandFindings): boolean {
  return (
    f.stratumUrls.length === 0 &&
    f.endpoints.length === 0 &&
    f.knownPools.length === 0 &&
    f.minerOptions.size === 0 &&
    f.algorithms.size === 0 &&
    f.wallets.size === 0 &&
    f.minerPrograms.size === 0 &&
    f.headlessVm === undefined &&
    f.watchesMonitors === undefined &&
    f.runsDecoded !== true &&
    f.unread === undefined
  );
}

const STRATUM_URL =
  /\bstratum\d*\+(?:tcp|ssl|tls|ws|wss)s?:\/\/(?:[^@\s/"']+@)?(\[[^\]\s]+\]|[^\s/:"',;]+)(?::(\d{1,5}))?/gi;
const HOST_NAME = /(?:^|[^a-z0-9.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?![a-z0-9-])/gi;
// Monero standard (95) and integrated (106) addresses.
const MONERO_WALLET =
  /(?<![1-9A-HJ-NP-Za-km-z])[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?(?![1-9A-HJ-NP-Za-km-z])/g;
const ENDPOINT_OPTIONS = new Set(['-o', '--url', '-url', '--pool', '-pool', '-P']);
const USER_OPTIONS = new Set(['-u', '--user', '-user', '--userpass', '-O', '--wallet', '--worker']);
const MONITOR_NAMES = /Activity Monitor|Little Snitch|LuLu|iStat Menus|\bhtop\b/i;
const VM_FLAGS = new Set(['-smp', '-accel', '-machine', '-hda', '-drive', '-cpu', '-enable-kvm', '-m']);

export function analyseCommand(
  argv: string[],
  where: string,
  indicators: Indicators,
  into: CommandFindings = emptyFindings(),
): CommandFindings {
  const bounds: ReadingBounds = {};
  for (const line of commandLines(argv, bounds)) analyseArgv(line, where, indicators, into);
  if (bounds.unread !== undefined) into.unread ??= `${where}: ${bounds.unread}`;
  return into;
}

function analyseArgv(argv: string[], where: string, indicators: Indicators, into: CommandFindings): void {
  const [program = ''] = argv;
  const minerName = minerProgramName(program, indicators);
  if (minerName) into.minerPrograms.add(minerName);

  const candidates: (PoolEndpoint & { scheme?: string })[] = [];
  let login = false;
  let minerOptions = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    const [option = '', inlineValue] = splitOption(arg);
    const value = inlineValue ?? next;
    scanText(arg, where, indicators, into);
    if (ENDPOINT_OPTIONS.has(option) && value !== undefined) {
      const endpoint = endpointFrom(value);
      if (endpoint) candidates.push({ ...endpoint, via: option, where });
    }
    if (USER_OPTIONS.has(option) && value !== undefined) login = true;
    const lower = option.toLowerCase();
    const algorithmOption = lower === '-a' || lower === '--algo' || lower === '--algorithm';
    if (algorithmOption && value !== undefined && indicators.algorithms.has(value.toLowerCase())) {
      // `--algo rx/0` is one sign, not an option plus an algorithm.
      minerOptions++;
      into.algorithms.add(value.toLowerCase());
    } else if (indicators.minerOptions.has(lower) && (arg.startsWith('--') || lower.length > 2)) {
      minerOptions++;
      into.minerOptions.add(lower);
    }
  }
  // `--url host:port` is how half the world's software names a server. It is a pool endpoint when it
  // says so (a Stratum scheme, a known pool), or when it comes with a login and no web scheme in a
  // command line that is a miner's or has nothing else to be (`-o 1.2.3.4:4444 -u <wallet>`).
  for (const candidate of candidates) {
    const { scheme, ...endpoint } = candidate;
    const stratum = scheme !== undefined && /^stratum/i.test(scheme);
    const known = poolForHost(indicators, endpoint.host) !== undefined;
    const webScheme = scheme !== undefined && !stratum;
    const minerContext = minerName !== undefined || minerOptions > 0;
    if (stratum || known || (login && !webScheme && (scheme === undefined || minerContext))) {
      into.endpoints.push({ ...endpoint, withLogin: login });
    }
  }

  const displayNone =
    argv.some((a, i) => (a === '-display' || a === '--display') && argv[i + 1] === 'none') ||
    argv.includes('-nographic') ||
    argv.includes('-display=none');
  if (displayNone && argv.some((a) => VM_FLAGS.has(a))) into.headlessVm = argv.join(' ');
  const command = shellCommandOf(argv);
  if (command !== undefined && decodedShellText(command).runs) into.runsDecoded = true;
  else if (
    command === undefined &&
    isCodeInterpreter(argv[0] ?? '') &&
    decodedInterpreterCode(interpreterCodeText(argv)).runs
  )
    into.runsDecoded = true;
}

/** A configuration file (JSON such as XMRig's) or a script: same signs as in arguments. */
export function analyseFileText(
  path: string,
  text: string,
  indicators: Indicators,
  into: CommandFindings = emptyFindings(),
): CommandFindings {
  const where = `file ${path}`;
  const json = tryJson(text);
  if (json !== undefined) {
    const pools = (json as { pools?: unknown }).pools;
    if (Array.isArray(pools)) {
      for (const pool of pools) {
        if (typeof pool !== 'object' || pool === null) continue;
        const { url, user } = pool as { url?: unknown; user?: unknown };
        const enabled = (pool as { enabled?: unknown }).enabled !== false;
        const withLogin = typeof user === 'string' && user !== '';
        if (typeof url === 'string' && enabled) {
          const endpoint = endpointFrom(url);
          if (endpoint)
            into.endpoints.push({
              host: endpoint.host,
              ...(endpoint.port !== undefined ? { port: endpoint.port } : {}),
              via: 'pools[].url',
              where,
              withLogin,
            });
        }
      }
    }
    // Keys read as options only in a miner's config (one with a pools list): elsewhere "cuda" or
    // "currency" are just words.
    const minerConfig = Array.isArray(pools);
    for (const [key, value] of flatten(json)) {
      scanText(value, where, indicators, into);
      if (!minerConfig) continue;
      const option = `--${key}`;
      if (indicators.minerOptions.has(option)) into.minerOptions.add(option);
      if (key === 'algo' && indicators.algorithms.has(value.toLowerCase())) into.algorithms.add(value.toLowerCase());
    }
    return into;
  }
  scanText(text, where, indicators, into);
  // Its commands as a shell reads them, each with what it runs in turn (`sh -c`, an interpreter's code); what its
  // lines decode; and, when an interpreter runs it (python3 run.py), its code as that interpreter reads it.
  for (const command of splitShellCommands(text)) analyseCommand(command, where, indicators, into);
  const decoded = decodedScriptLines(text);
  if (decoded.runs) into.runsDecoded = true;
  if (decoded.unread !== undefined) into.unread ??= `${where}: ${decoded.unread}`;
  for (const line of decoded.lines) analyseCommand(line, where, indicators, into);
  const interpreter = scriptInterpreter(path, text);
  if (interpreter !== undefined) {
    const bounds: ReadingBounds = {};
    for (const line of commandLines([interpreter, text], bounds).slice(1)) analyseArgv(line, where, indicators, into);
    // A long script may outgrow the bounds made for command lines without hiding anything: only one that runs what
    // it decodes is looked at harder for it.
    if (decodedInterpreterCode(text).runs) {
      into.runsDecoded = true;
      if (bounds.unread !== undefined) into.unread ??= `${where}: ${bounds.unread}`;
    }
  }
  const monitor = MONITOR_NAMES.exec(text);
  if (monitor) into.watchesMonitors = `${path} looks for ${JSON.stringify(monitor[0])}`;
  return into;
}

/** URLs, known pool hosts and wallets anywhere in a piece of text. */
function scanText(text: string, where: string, indicators: Indicators, into: CommandFindings): void {
  for (const match of text.matchAll(STRATUM_URL)) {
    const host = (match[1] ?? '').replace(/^\[|\]$/g, '').toLowerCase();
    const endpoint: PoolEndpoint = { host, via: 'stratum URL', where };
    if (match[2]) endpoint.port = Number(match[2]);
    if (!into.stratumUrls.some((e) => e.host === host && e.port === endpoint.port)) into.stratumUrls.push(endpoint);
  }
  for (const match of text.matchAll(HOST_NAME)) {
    const host = (match[1] ?? '').toLowerCase();
    const pool = poolForHost(indicators, host);
    if (pool && !into.knownPools.some((k) => k.host === host)) into.knownPools.push({ host, pool, where });
  }
  for (const match of text.matchAll(MONERO_WALLET)) into.wallets.add(match[0]);
}

export function minerProgramName(program: string, indicators: Indicators): string | undefined {
  const name = basename(program)
    .toLowerCase()
    .replace(/\.(exe|bin|app)$/, '');
  if (indicators.minerPrograms.has(name)) return name;
  // Renamed builds keep the stem: xmrig2, xmrig-6.21.0, minerd_x64.
  const stem = withoutBuildSuffix(name);
  return stem !== name && indicators.minerPrograms.has(stem) ? stem : undefined;
}

const BUILD_WORDS = ['x86_64', 'x64', 'arm64', 'amd64', 'macos', 'darwin', 'osx'];

/** `name` without trailing versions (`2`, `-6.21.0`, `v6`) and platform words (`_x64`, `-macos`), read from the end. */
function withoutBuildSuffix(name: string): string {
  let end = name.length;
  for (;;) {
    const before = end;
    const word = BUILD_WORDS.find((w) => name.endsWith(w, end) && end - w.length > 0);
    if (word) end -= word.length;
    else {
      let start = end;
      while (start > 0 && (isDigit(name, start - 1) || name[start - 1] === '.')) start--;
      // A version starts with a digit: `.5` alone is an extension, not a version.
      while (start < end && name[start] === '.') start++;
      if (start < end && start > 0) end = name[start - 1] === 'v' && start - 1 > 0 ? start - 1 : start;
    }
    if (end === before) break;
    if (end > 1 && '-_.'.includes(name[end - 1] as string)) end--;
  }
  return name.slice(0, end);
}

function isDigit(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c >= 48 && c <= 57;
}

function endpointFrom(value: string): { host: string; port: number; scheme?: string } | undefined {
  const scheme = /^([a-z0-9+.-]+):\/\//i.exec(value)?.[1]?.toLowerCase();
  const withoutScheme = value.replace(/^[a-z0-9+.-]+:\/\//i, '').replace(/^[^@/]*@/, '');
  const slash = withoutScheme.indexOf('/');
  const stripped = slash < 0 ? withoutScheme : withoutScheme.slice(0, slash);
  const parsed = splitHostPort(stripped);
  if (!parsed || !/^[a-z0-9.:[\]-]+$/i.test(parsed.host) || !/[.:]|^localhost$/i.test(parsed.host)) return undefined;
  // A pool endpoint has a port; a bare `-o name` is far more often an output file.
  if (parsed.port === undefined) return undefined;
  return { host: parsed.host.toLowerCase(), port: parsed.port, ...(scheme ? { scheme } : {}) };
}

function splitOption(arg: string): [string, string | undefined] {
  if (!arg.startsWith('-')) return ['', undefined];
  const eq = arg.indexOf('=');
  return eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function tryJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

/**
 * Every string leaf of a JSON value with its nearest key, in document order. With a stack, not
 * recursion: a configuration file is the attacker's, and 30 KB of `[[[[...` is 5,000 levels.
 */
function flatten(json: unknown): [string, string][] {
  const leaves: [string, string][] = [];
  const pending: [unknown, string][] = [[json, '']];
  while (pending.length > 0) {
    const [value, key] = pending.pop() as [unknown, string];
    if (typeof value === 'string') leaves.push([key, value]);
    else if (typeof value === 'number' || typeof value === 'boolean') leaves.push([key, String(value)]);
    else if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) pending.push([value[i], key]);
    else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) pending.push([entries[i]![1], entries[i]![0]]);
    }
  }
  return leaves;
}

export function mergeFindings(a: CommandFindings, b: CommandFindings): CommandFindings {
  return {
    stratumUrls: dedupe([...a.stratumUrls, ...b.stratumUrls], (e) => `${e.host}:${e.port}`),
    endpoints: dedupe([...a.endpoints, ...b.endpoints], (e) => `${e.host}:${e.port}`),
    knownPools: dedupe([...a.knownPools, ...b.knownPools], (k) => k.host),
    minerOptions: new Set([...a.minerOptions, ...b.minerOptions]),
    algorithms: new Set([...a.algorithms, ...b.algorithms]),
    wallets: new Set([...a.wallets, ...b.wallets]),
    minerPrograms: new Set([...a.minerPrograms, ...b.minerPrograms]),
    headlessVm: a.headlessVm ?? b.headlessVm,
    watchesMonitors: a.watchesMonitors ?? b.watchesMonitors,
    ...(a.runsDecoded === true || b.runsDecoded === true ? { runsDecoded: true } : {}),
    ...(a.unread !== undefined || b.unread !== undefined ? { unread: (a.unread ?? b.unread) as string } : {}),
  };
}

function dedupe<T>(values: T[], key: (value: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
