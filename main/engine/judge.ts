// From evidence to reasons, and from reasons to a verdict (scan-json.md, "What the verdicts mean").
import { mergeFindings, type CommandFindings } from './command-evidence';
import { commandRunBy } from './launch-item';
import { commandLines } from './referenced-files';
import type { Indicators } from './indicators';
import type { CpuSummary, Destination, LaunchItem, Reason, ScanOptions, SigningInfo, Verdict } from './model';
import { basename, isInterpreter } from './shell-words';

export interface ItemEvidence {
  item: LaunchItem;
  signing?: SigningInfo;
  cpu: CpuSummary;
  /** What the item's own arguments and the files they name say. */
  configured: CommandFindings;
  /** What the command lines of its running processes (children included) say. */
  observed: CommandFindings;
  destinations: Destination[];
  /** Executables of the item's processes (launcher and descendants). */
  executables: string[];
  /** The launchd program is an interpreter and other processes ran under it. */
  interpreterWithChildren: boolean;
  /** A process it started left the job's tree (forked, setsid, its parent gone) and was found by its program. */
  detached?: boolean;
}

/** Mining-service evidence of at least this weight is strong enough to decide a verdict. */
export const STRONG_MINING_WEIGHT = 30;

const APPLE_SYSTEM_PREFIXES = [
  '/System/',
  '/usr/libexec/',
  '/usr/sbin/',
  '/usr/bin/',
  '/bin/',
  '/sbin/',
  '/Library/Apple/',
];
const VENDORS: { prefix: string; name: string; teams: string[] }[] = [
  { prefix: 'com.adobe.', name: 'Adobe', teams: ['JQ525L2MZD'] },
  { prefix: 'com.google.', name: 'Google', teams: ['EQHXZ8M8AV'] },
  { prefix: 'com.microsoft.', name: 'Microsoft', teams: ['UBF8T346G9'] },
];

/** The CPU reason, recomputed every sample as the window slides. */
export function cpuReason(cpu: CpuSummary, options: ScanOptions): Reason | undefined {
  if (!cpu.sustained) return undefined;
  return {
    code: 'cpu.sustained',
    family: 'cpu',
    strength: 'strong',
    weight: 30,
    attack: 'T1496',
    text: `average ${fmt(cpu.avgPercent)}% of one core over ${Math.round(cpu.coveredSeconds)} s (threshold ${options.cpuThresholdPercent}%, peak ${fmt(cpu.maxPercent)}%)`,
  };
}

/** Mining and hiding reasons: they change only when the item's evidence does, so callers cache them. */
export function evidenceReasons(evidence: Omit<ItemEvidence, 'cpu'>, indicators: Indicators): Reason[] {
  const reasons: Reason[] = [];
  const add = (reason: Reason): void => {
    if (!reasons.some((r) => r.code === reason.code)) reasons.push(reason);
  };
  const { item } = evidence;
  const found = mergeFindings(evidence.configured, evidence.observed);

  const poolDestinations = evidence.destinations.filter((d) => d.classification === 'mining-pool');
  if (poolDestinations.length > 0) {
    add({
      code: 'net.pool-host',
      family: 'mining',
      strength: 'strong',
      weight: 40,
      attack: 'T1496',
      text: `connects to known mining pool ${list(poolDestinations.map((d) => `${d.hostname ?? d.remoteAddress}:${d.remotePort}`))}`,
    });
  }
  const configuredDestinations = evidence.destinations.filter((d) => d.classification === 'configured-pool');
  if (configuredDestinations.length > 0) {
    add({
      code: 'net.configured-pool',
      family: 'mining',
      strength: 'strong',
      weight: 35,
      attack: 'T1496',
      text: `holds open a connection to the pool endpoint its arguments name: ${list(configuredDestinations.map((d) => `${d.hostname ?? d.remoteAddress}:${d.remotePort}`))}`,
    });
  }
  if (found.stratumUrls.length > 0) {
    add({
      code: 'args.stratum-url',
      family: 'mining',
      strength: 'strong',
      weight: 35,
      attack: 'T1496',
      text: `Stratum mining URL ${list(found.stratumUrls.map((e) => `${e.host}${e.port ? `:${e.port}` : ''} (${e.where})`))}`,
    });
  }
  if (found.knownPools.length > 0) {
    add({
      code: 'args.pool-host',
      family: 'mining',
      strength: 'strong',
      weight: 35,
      attack: 'T1496',
      text: `names known mining pool ${list(found.knownPools.map((k) => `${k.host} (${k.pool}, ${k.where})`))}`,
    });
  }
  const withLogin = found.endpoints.filter((e) => e.withLogin);
  if (withLogin.length > 0) {
    add({
      code: 'args.pool-endpoint',
      family: 'mining',
      strength: 'strong',
      weight: 30,
      attack: 'T1496',
      text: `pool endpoint with a login: ${list(withLogin.map((e) => `${e.via} ${e.host}:${e.port} (${e.where})`))}`,
    });
  }
  if (found.minerPrograms.size > 0) {
    add({
      code: 'program.known-miner',
      family: 'mining',
      strength: 'strong',
      weight: 30,
      attack: 'T1496',
      text: `runs a known miner program: ${list([...found.minerPrograms])}`,
    });
  }
  const options_ = [...found.minerOptions, ...[...found.algorithms].map((a) => `algorithm ${a}`)];
  if (options_.length > 0) {
    // One miner option could be a coincidence; several together are a miner's command line.
    const several = options_.length >= 2;
    add({
      code: 'args.miner-options',
      family: 'mining',
      strength: several ? 'strong' : 'weak',
      weight: several ? 30 : 15,
      attack: 'T1496',
      text: `miner-specific option${several ? 's' : ''}: ${list(options_)}`,
    });
  }
  if (found.wallets.size > 0) {
    add({
      code: 'args.wallet',
      family: 'mining',
      strength: 'weak',
      weight: 20,
      attack: 'T1496',
      text: `a cryptocurrency wallet address in its arguments or files (${list([...found.wallets].map(shortWallet))})`,
    });
  }
  const stratumPorts = evidence.destinations.filter((d) => d.classification === 'stratum-port');
  if (stratumPorts.length > 0) {
    add({
      code: 'net.stratum-port',
      family: 'mining',
      strength: 'weak',
      weight: 10,
      text: `connects to a port that mining pools use: ${list(stratumPorts.map((d) => `${d.hostname ?? d.remoteAddress}:${d.remotePort}`))}`,
    });
  }
  const minerWord = /miner|xmr|monero|crypto.?night|hashrate/i;
  const named = [item.label, item.program ? basename(item.program) : ''].find((n) => minerWord.test(n));
  if (named)
    add({
      code: 'name.miner-word',
      family: 'mining',
      strength: 'weak',
      weight: 5,
      text: `its name mentions mining: ${JSON.stringify(named)}`,
    });

  // Signs of hiding: weak on their own, they make sustained CPU suspicious.
  if (item.unreadable !== undefined) {
    add({
      code: 'plist.unreadable',
      family: 'hiding',
      strength: 'weak',
      weight: 15,
      attack: 'T1564',
      text: `what launchd runs cannot be read in full: ${item.unreadable}; judged by what its processes do`,
    });
  }
  const masquerade = masqueradeReason(evidence, indicators);
  if (masquerade)
    add({
      code: 'hide.masquerade',
      family: 'hiding',
      strength: 'weak',
      weight: 15,
      attack: 'T1036.004',
      text: masquerade,
    });
  // launchctl prints labels as they are (launchctl-list.ts): what follows a line end reads as a row of another job.
  if ((item.kind === 'LaunchAgent' || item.kind === 'LaunchDaemon') && item.label.includes('\n'))
    add({
      code: 'hide.label-line-end',
      family: 'hiding',
      strength: 'weak',
      weight: 15,
      attack: 'T1564',
      text: "its Label holds a line end, which splits its row of launchctl list in two: what follows reads as another job's row, claiming a process for that job (its own row was read back whole)",
    });
  if (item.injectedLibraries !== undefined && item.injectedLibraries.length > 0) {
    const variable =
      item.kind === 'LaunchAgent' || item.kind === 'LaunchDaemon' ? 'DYLD_INSERT_LIBRARIES' : 'LD_PRELOAD';
    add({
      code: 'hide.injected-library',
      family: 'hiding',
      strength: 'weak',
      weight: 15,
      attack: 'T1574.006',
      text: `has the dynamic linker load ${item.injectedLibraries.join(', ')} into its program (${variable}), so what runs is not only the program it names`,
    });
  }
  if (found.runsDecoded) {
    add({
      code: 'hide.encoded-command',
      family: 'hiding',
      strength: 'weak',
      weight: 15,
      attack: 'T1140',
      text: 'runs a command it decodes (base64, hex or escape sequences decoded into a shell or eval, or an interpreter decoding its own code into exec or eval), so its command line does not show what it does',
    });
  }
  const hidden = hiddenLocation(evidence);
  if (hidden)
    add({
      code: 'hide.hidden-path',
      family: 'hiding',
      strength: 'weak',
      weight: 15,
      attack: 'T1564.001',
      text: hidden,
    });
  if (evidence.interpreterWithChildren && item.program) {
    add({
      code: 'hide.interpreter',
      family: 'hiding',
      strength: 'weak',
      weight: 10,
      attack: item.program.endsWith('osascript') ? 'T1059.002' : 'T1059.004',
      text: `the launchd program is an interpreter (${basename(item.program)}); the work is done by the processes it starts`,
    });
  }
  if (evidence.detached) {
    add({
      code: 'hide.detached',
      family: 'hiding',
      strength: 'weak',
      weight: 10,
      text: "a process it started detached from the job (forked and let its parent exit, which launchd.plist(5) forbids a job), so launchd no longer counts it as the job's",
    });
  }
  if (found.headlessVm) {
    add({
      code: 'vm.headless',
      family: 'hiding',
      strength: 'weak',
      weight: 15,
      attack: 'T1564.006',
      text: 'starts a virtual machine with no display (-display none)',
    });
  }
  const tunnel = evidence.destinations.filter((d) => d.classification === 'local-tunnel');
  const loopbackPool = [...found.endpoints, ...found.stratumUrls].filter(
    (e) => /^(127\.|localhost$|::1$|\[::1\]$)/.test(e.host) || e.host.endsWith('.i2p') || e.host.endsWith('.onion'),
  );
  const onlyLocal =
    evidence.destinations.length > 0 &&
    evidence.destinations.every(
      (d) =>
        d.classification === 'local-tunnel' ||
        d.classification === 'loopback' ||
        (d.classification === 'configured-pool' && /^(127\.|::1$)/.test(d.remoteAddress)),
    );
  if (tunnel.length > 0 || (loopbackPool.length > 0 && (onlyLocal || evidence.destinations.length === 0))) {
    const where =
      tunnel.length > 0
        ? list(tunnel.map((d) => `${d.remoteAddress}:${d.remotePort}`))
        : list(loopbackPool.map((e) => `${e.host}${e.port ? `:${e.port}` : ''}`));
    add({
      code: 'net.local-tunnel',
      family: 'hiding',
      strength: 'weak',
      weight: 15,
      attack: 'T1090',
      text: `talks to its pool only through a local tunnel or proxy (${where})`,
    });
  }
  if (found.watchesMonitors) {
    add({
      code: 'hide.watches-monitors',
      family: 'hiding',
      strength: 'weak',
      weight: 15,
      attack: 'T1497',
      text: `checks for monitoring tools: ${found.watchesMonitors}`,
    });
  }
  return reasons;
}

export interface Judgement {
  verdict: Verdict;
  score: number;
}

/** Reasons that say part of an item could not be read or analysed: with any other sign, suspicious. */
const LOOK_HARDER = new Set(['plist.unreadable', 'analysis.incomplete']);

/**
 * `knownVendor`: the program is Developer ID-signed by a vendor in known-vendors.json. Hiding and
 * history signs alone then do not make it suspicious; mining evidence decides as for anyone.
 */
export function judge(reasons: Reason[], context: { knownVendor?: boolean } = {}): Judgement {
  const cpu = reasons.some((r) => r.code === 'cpu.sustained');
  const mining = reasons.filter((r) => r.family === 'mining');
  const miningWeight = mining.reduce((sum, r) => sum + r.weight, 0);
  const strongMining = mining.some((r) => r.strength === 'strong') || miningWeight >= STRONG_MINING_WEIGHT;
  // A name that says "miner" decides nothing, not even with CPU (scan-json.md): it only adds to the score.
  const weakSigns = reasons.some(
    (r) => (r.family === 'mining' || (r.family === 'hiding' && !context.knownVendor)) && r.code !== 'name.miner-word',
  );
  const score = Math.min(
    100,
    reasons.reduce((sum, r) => sum + r.weight, 0),
  );
  // A job whose property list cannot be read, or that could not be analysed in full, is looked at
  // harder: any other sign makes it suspicious.
  const unreadableWithSign =
    reasons.some((r) => LOOK_HARDER.has(r.code)) &&
    reasons.some((r) => !LOOK_HARDER.has(r.code) && r.family !== 'approval');
  // What the Mac's own history says (CPU far above its usual, a first-ever destination, a recent change):
  // with sustained CPU a sign; on its own nothing.
  const baselineSigns = !context.knownVendor && reasons.some((r) => r.family === 'baseline');
  let verdict: Verdict = 'ok';
  if (cpu && strongMining) verdict = 'mining';
  else if (strongMining) verdict = 'suspicious';
  else if (cpu && (weakSigns || baselineSigns)) verdict = 'suspicious';
  else if (unreadableWithSign) verdict = 'suspicious';
  else if (cpu) verdict = 'high-cpu';
  return { verdict, score };
}

/** A label or program name that claims Apple or a vendor while what runs is not theirs. */
function masqueradeReason(evidence: Omit<ItemEvidence, 'cpu'>, indicators: Indicators): string | undefined {
  const { item, signing } = evidence;
  if ((item.scope === 'apple' && item.unreadable === undefined) || !item.program) return undefined;
  const name = basename(item.program);
  const unsignedOrAdhoc = signing?.status === 'unsigned' || signing?.status === 'adhoc';
  // Everything the item runs: its program, commands inside `sh -c`, scripts it hands an interpreter, and
  // the executables of its running processes.
  const runs = [
    ...new Set(
      [
        ...commandLines(commandRunBy(item)).flatMap((line) => [
          line[0] ?? '',
          ...(isInterpreter(line[0] ?? '') ? line.slice(1).filter((a) => a.startsWith('/') || a.startsWith('~')) : []),
        ]),
        item.program,
        ...evidence.executables,
      ].filter((p) => p.startsWith('/') || p.startsWith('~')),
    ),
  ];
  const outsideSystem = runs.find((p) => !isAppleSystemPath(p));

  if (item.label.toLowerCase().startsWith('com.apple.')) {
    if (signing && signing.status !== 'apple' && signing.status !== 'unknown')
      return `label ${JSON.stringify(item.label)} claims Apple, but ${name} is ${describeSigning(signing)}`;
    if (outsideSystem) return `label ${JSON.stringify(item.label)} claims Apple, but it runs ${outsideSystem}`;
  }
  const borrowed = runs.find((p) => indicators.appleProcessNames.has(basename(p)) && !isAppleSystemPath(p));
  if (borrowed)
    return `${JSON.stringify(basename(borrowed))} borrows the name of a macOS system process, but runs from ${dirname(borrowed)}`;
  for (const vendor of VENDORS) {
    const claims = item.label.toLowerCase().startsWith(vendor.prefix) || name.toLowerCase().startsWith(vendor.prefix);
    if (!claims || !signing || signing.status === 'unknown') continue;
    if (unsignedOrAdhoc) return `its name claims ${vendor.name}, but ${name} is ${describeSigning(signing)}`;
    if (signing.teamId && !vendor.teams.includes(signing.teamId))
      return `its name claims ${vendor.name}, but ${name} is signed by team ${signing.teamId}`;
  }
  return undefined;
}

export function isAppleSystemPath(path: string): boolean {
  return APPLE_SYSTEM_PREFIXES.some((prefix) => path.startsWith(prefix));
}

const HIDDEN_OR_TEMP = /(^|\/)\.[^/.][^/]*\/|^\/(private\/)?tmp\/|^\/var\/tmp\/|^\/Users\/Shared\/|^\/dev\/shm\//;

/** A program run from a hidden folder or a temporary or shared one, and not signed by Apple or a known developer. */
function hiddenLocation(evidence: Omit<ItemEvidence, 'cpu'>): string | undefined {
  const trusted =
    evidence.signing?.status === 'apple' ||
    evidence.signing?.status === 'developer-id' ||
    evidence.signing?.status === 'app-store';
  for (const executable of evidence.executables) {
    if (!HIDDEN_OR_TEMP.test(executable)) continue;
    if (executable === evidence.item.program && trusted) continue;
    const signed =
      executable === evidence.item.program && evidence.signing ? `, ${describeSigning(evidence.signing)}` : '';
    return `runs ${executable} from a hidden or temporary folder${signed}`;
  }
  return undefined;
}

function describeSigning(signing: SigningInfo): string {
  switch (signing.status) {
    case 'unsigned':
      return 'not signed';
    case 'adhoc':
      return 'only ad-hoc signed';
    case 'developer-id':
      return `signed by ${signing.authorities[0]?.replace(/^Developer ID Application: /, '') ?? 'a developer'}`;
    case 'app-store':
      return 'signed for the App Store';
    case 'apple':
      return 'signed by Apple';
    default:
      return `signed (${signing.authorities[0] ?? 'unknown authority'})`;
  }
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function list(values: string[]): string {
  const unique = [...new Set(values)];
  return unique.length <= 3 ? unique.join(', ') : `${unique.slice(0, 3).join(', ')} and ${unique.length - 3} more`;
}

function shortWallet(wallet: string): string {
  return `${wallet.slice(0, 6)}…${wallet.slice(-4)}`;
}

function fmt(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
