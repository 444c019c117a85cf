// The engine's state across samples: attribute each sample's processes and connections to launch items,
// keep each item's CPU history and destinations, and judge every item on demand. Replay and live
// monitoring drive the same analyzer, one sample at a time.
import {
  attractorsOf,
  attributeProcesses,
  buildProcessTable,
  executableOf,
  patchAttribution,
  type Attractors,
  type CachedAttribution,
  type ItemAttribution,
} from './attribution';
import {
  analyseCommand,
  analyseFileText,
  emptyFindings,
  mergeFindings,
  saysNothing,
  type CommandFindings,
} from './command-evidence';
import { CpuTracker, type CpuDeltas } from './cpu';
import { CpuHistory } from './cpu-history';
import { classifyDestination, type DestinationContext } from './destinations';
import { EndpointKeys } from './endpoint-keys';
import { applyCpuAcceptance, approvalOutcome, findApproval, type Approval, type ApprovalOutcome } from './approvals';
import { baselineReasons, type BaselineOptions, type ItemBaseline } from './baseline';
import { defaultIndicators, type Indicators } from './indicators';
import { cpuReason, evidenceReasons, judge } from './judge';
import type {
  AttributionMethod,
  ConnectionRecord,
  CpuSummary,
  Destination,
  Inventory,
  ItemProcess,
  ItemResult,
  LaunchItem,
  HistoryInput,
  HistoryItemInput,
  LoadedService,
  ProcessRecord,
  Protocol,
  Reason,
  Sample,
  ScanOptions,
  ScanResult,
  SigningInfo,
  Verdict,
} from './model';
import { withRepeatsCounted } from './note-list';
import { followFilesNamedByJob, homeOfJob, workingDirectoryOf } from './job-home';
import { commandRunBy } from './launch-item';
import { programsStartedBy } from './started-programs';
import { UnownedBusyProcesses } from './unowned-processes';
import { isInterpreter } from './shell-words';

export interface AnalyzerOptions extends ScanOptions {
  /** How many CPU points each item keeps (one per sample). */
  historyCapacity?: number;
  /** Process ids never attributed (the monitor's own processes). */
  excludePids?: Set<number>;
  /** The approved inventory. */
  approvals?: Approval[];
  /** What this Mac's history says of each item (live, with a history store). */
  baselines?: Map<string, ItemBaseline>;
  baselineOptions?: BaselineOptions;
}

export interface ItemVerdict {
  id: string;
  label: string;
  verdict: Verdict;
  score: number;
  cpuPercent: number;
}

interface Assessment {
  state: ItemState;
  cpu: CpuSummary;
  judged: JudgedEvidence;
  reasons: Reason[];
  /** What the evidence says. */
  judgedVerdict: Verdict;
  /** What the user sees: `approved` while an approval applies. */
  verdict: Verdict;
  score: number;
  approval?: ApprovalOutcome;
  past?: ItemResult['past'];
  vendor?: ItemResult['vendor'];
}

/** Everything an assessment depends on besides the item's state (which the judged evidence stands for). */
interface AssessmentInputs {
  item: LaunchItem;
  judged: JudgedEvidence;
  cpu: CpuSummary;
  baseline: ItemBaseline | undefined;
  approvals: Approval[] | undefined;
  source: Inventory['source'];
  cpuThresholdPercent: number;
  baselineOptions: BaselineOptions | undefined;
  /** The sample time, where a baseline's last change makes the verdict depend on it (how recent it is). */
  now: number;
}

function sameAssessmentInputs(a: AssessmentInputs, b: AssessmentInputs): boolean {
  return (
    a.item === b.item &&
    a.judged === b.judged &&
    a.baseline === b.baseline &&
    a.approvals === b.approvals &&
    a.source === b.source &&
    a.cpuThresholdPercent === b.cpuThresholdPercent &&
    a.baselineOptions === b.baselineOptions &&
    a.now === b.now &&
    a.cpu.avgPercent === b.cpu.avgPercent &&
    a.cpu.maxPercent === b.cpu.maxPercent &&
    a.cpu.sustained === b.cpu.sustained &&
    a.cpu.coveredSeconds === b.cpu.coveredSeconds &&
    a.cpu.measuring === b.cpu.measuring
  );
}

interface JudgedEvidence {
  version: number;
  inventoryVersion: number;
  classified: Map<string, { classification: Destination['classification']; hostname?: string }>;
  reasons: Reason[];
  signing?: SigningInfo;
}

interface ItemState {
  item?: LaunchItem;
  /** The item's facts as last judged: the same after an inventory read keeps what was judged. */
  fingerprint?: string;
  /** Bumped whenever something the evidence reasons depend on changes. */
  evidenceVersion: number;
  judged?: JudgedEvidence;
  /** The last assessment and what it was made of: a tick whose inputs are the same reuses it. */
  assessed?: { inputs: AssessmentInputs; assessment: Assessment };
  history: CpuHistory;
  destinations: Map<string, Destination>;
  listening: Map<string, { address: string; port: number; protocol: Protocol; pid: number; lastSeen: number }>;
  /** Destinations dropped from memory after going unseen for the whole CPU history (the history store keeps them). */
  forgottenDestinations: number;
  /** Its processes in the last sample. */
  pids: number[];
  /** pid -> start time and command line of processes already looked at (and their observed line). */
  seen: Map<number, { startedAt: number; args: string; observed?: { lastSeen: number } }>;
  ownCommandLine: string;
  /** The root pid of the last sample, and whether one was ever seen: a change is a restart. */
  rootPid?: number;
  everRan?: boolean;
  method: AttributionMethod;
  /**
   * Command lines of the item's processes other than its own argv: where a launcher's child shows the
   * miner. Each is read once, when it first shows; what it said is kept with it if it said anything.
   */
  observedCommandLines: Map<string, ObservedCommandLine>;
  /**
   * What those command lines say, merged as they arrive; undefined after some were evicted (then merged
   * again from what the others said, without reading them again).
   */
  observedFindings: CommandFindings | undefined;
  /** Destinations seen since the history last took them (their keys). */
  touched: Set<string>;
  executables: Set<string>;
  interpreterWithChildren: boolean;
  /** A process of its was found detached from the job (attribution `detached-program`). */
  detached: boolean;
  /** Why a command line of one of its processes could not be analysed (see `analysisIncomplete`). */
  unanalysedCommandLine?: string;
}

const MAX_DESTINATIONS_PER_ITEM = 256;
/** How often per-item state is swept for what went unseen (sample time). */
const EXPIRY_EVERY_MS = 60_000;
/** Destinations that are never evidence on their own: forgotten once unseen for the whole CPU history. */
const FORGETTABLE: ReadonlySet<Destination['classification']> = new Set(['other', 'web', 'loopback']);
const MAX_COMMAND_LINES_PER_ITEM = 64;

interface ObservedCommandLine {
  where: string;
  lastSeen: number;
  findings?: CommandFindings;
}

export class Analyzer {
  private readonly indicators: Indicators;
  private readonly cpu: CpuTracker;
  private impossibleCpu = { count: 0, example: '' };
  private readonly states = new Map<string, ItemState>();
  private readonly configuredCache = new Map<string, CommandFindings>();
  private readonly endpointKeys = new EndpointKeys();
  private inventory: Inventory;
  private loadedByLabel = new Map<string, LoadedService>();
  private sampleCount = 0;
  private firstAt: number | undefined;
  private lastAt: number | undefined;
  private readonly sampleNotes = new Set<string>();
  private lastAttributed = new Set<number>();
  private toRead: { attributed: Set<number>; followed: Set<number>; pids: Set<number> } | undefined;
  private cachedAttribution: CachedAttribution | undefined;
  private attributionVersion = 0;
  private attractors: Attractors = attractorsOf([], new Map());
  /** Item id -> the programs its commands start by name, for a process that detached from its job. */
  private started = new Map<string, string[]>();
  private readonly unowned: UnownedBusyProcesses;
  /** pid -> the label launchd lists it under (every domain read), for the watch on processes no item owns. */
  private listedPids = new Map<number, string>();
  private lastProcesses = new Map<number, ProcessRecord>();
  private lastExpiry = -Infinity;
  private lastDeltas: CpuDeltas | undefined;
  private inventoryVersion = 0;
  /** Whether a destination is evidence, as last classified for eviction (see `isEvidence`). */
  private readonly evidenceOf = new WeakMap<Destination, { version: string; evidence: boolean }>();

  constructor(
    inventory: Inventory,
    readonly options: AnalyzerOptions,
    indicators: Indicators = defaultIndicators(),
  ) {
    this.indicators = indicators;
    this.unowned = new UnownedBusyProcesses(options.windowSeconds, options.cpuThresholdPercent);
    this.cpu = new CpuTracker(inventory.host.cpuCount > 0 ? inventory.host.cpuCount : Infinity);
    this.inventory = inventory;
    this.setInventory(inventory);
  }

  /**
   * New or changed launch items keep the history of the items that stay (same id). The inventory is read
   * again every minute: an item whose facts did not change keeps its judged evidence, and attribution is
   * redone only when items or launchd's list of pids changed.
   */
  setInventory(inventory: Inventory): void {
    const previous = this.inventory;
    const first = this.inventoryVersion === 0;
    this.inventory = inventory;
    const loadedByLabel = new Map(inventory.loaded.map((l) => [l.label, l]));
    let attributionChanged = first || !sameLoaded(this.loadedByLabel, loadedByLabel);
    this.loadedByLabel = loadedByLabel;
    this.listedPids = new Map();
    for (const service of inventory.loaded)
      if (service.pid !== undefined) this.listedPids.set(service.pid, service.label);
    const ids = new Set(inventory.items.map((i) => i.id));
    for (const id of this.states.keys())
      if (!ids.has(id)) {
        this.states.delete(id);
        attributionChanged = true;
      }
    // Names of addresses classify every destination: when they change, everything is judged again.
    if (first || !sameStringMap(previous.dns, inventory.dns)) {
      this.inventoryVersion++;
      this.configuredCache.clear();
    }
    for (const item of inventory.items) {
      const state = this.stateFor(item.id);
      const key = itemFingerprint(item, inventory);
      if (state.fingerprint === key) continue;
      state.fingerprint = key;
      state.evidenceVersion++;
      this.configuredCache.delete(item.id);
      attributionChanged = true;
    }
    if (attributionChanged) {
      this.attributionVersion++;
      this.started = new Map();
      for (const item of inventory.items) {
        const programs = programsStartedBy(
          item,
          inventory.files,
          homeOfJob(item, inventory.user),
          workingDirectoryOf(item),
        );
        if (programs.length > 0) this.started.set(item.id, programs);
      }
      this.attractors = attractorsOf(inventory.items, loadedByLabel, this.started);
    }
  }

  addSample(sample: Sample): void {
    const deltas = this.cpu.update(sample);
    if (deltas.impossible.length > 0) {
      this.impossibleCpu.example ||= deltas.impossible[0] as string;
      this.impossibleCpu.count += deltas.impossible.length;
    }
    const table = buildProcessTable(sample.processes);
    this.lastProcesses = table.byPid;
    this.lastDeltas = deltas;
    // The same processes under the same inventory attribute the same way: most samples reuse the last
    // attribution, and one with a few new or gone processes is patched for those alone.
    const cached = this.cachedAttribution;
    const current = cached !== undefined && cached.version === this.attributionVersion;
    const same = current && sameProcesses(cached.processes, sample.processes);
    const reuse = same || (current && patchAttribution(cached, table, this.attractors, this.options.excludePids));
    if (reuse) {
      cached.processes = sample.processes;
      cached.byPid = table.byPid;
    } else {
      const attribution = attributeProcesses(
        this.inventory.items,
        this.loadedByLabel,
        table,
        this.options.excludePids,
        this.inventory.loadedAt,
        this.started,
      );
      const owner = new Map<number, string>();
      for (const [id, a] of attribution) for (const pid of a.pids) owner.set(pid, id);
      this.cachedAttribution = {
        version: this.attributionVersion,
        processes: sample.processes,
        byPid: table.byPid,
        attribution,
        owner,
      };
    }
    // A new set only when attribution moved: the monitor compares it with the last one it read sockets of.
    if (!same) this.lastAttributed = new Set((this.cachedAttribution as CachedAttribution).owner.keys());
    const { attribution, owner } = this.cachedAttribution as NonNullable<typeof this.cachedAttribution>;

    for (const item of this.inventory.items) {
      const state = this.stateFor(item.id);
      const a = attribution.get(item.id);
      if (state.item !== item) {
        state.item = item;
        state.ownCommandLine = item.arguments.join(' ');
      }
      this.recordProcesses(item, state, a, table.byPid);
      if (deltas.intervalSeconds !== undefined) {
        let cpuSeconds = 0;
        for (const pid of a?.pids ?? []) cpuSeconds += deltas.byPid.get(pid) ?? 0;
        const root = a?.rootPids[0];
        const restarted = root !== undefined && state.everRan === true && root !== state.rootPid;
        state.history.push({
          t: sample.takenAt,
          percent: (cpuSeconds / deltas.intervalSeconds) * 100,
          dt: deltas.intervalSeconds,
          ...(restarted ? { restarted: true as const } : {}),
        });
      }
      const root = a?.rootPids[0];
      state.rootPid = root;
      if (root !== undefined) state.everRan = true;
    }

    const excluded = this.options.excludePids;
    this.unowned.observe(
      sample.processes,
      deltas,
      sample.takenAt,
      (pid) => owner.has(pid) || excluded?.has(pid) === true,
      this.listedPids,
    );
    this.unowned.observeConnections(sample.connections ?? [], { indicators: this.indicators, dns: this.inventory.dns });
    if (sample.connections === undefined) this.sampleNotes.add('connections were not collected in some samples');
    this.recordConnections(sample.connections ?? [], sample.takenAt, owner, false);
    if (sample.takenAt - this.lastExpiry >= EXPIRY_EVERY_MS) {
      this.lastExpiry = sample.takenAt;
      for (const state of this.states.values()) this.expire(state);
    }
    this.sampleCount++;
    this.firstAt ??= sample.takenAt;
    this.lastAt = sample.takenAt;
  }

  /**
   * Connections read with administrator rights (root processes' sockets, which the user's own lsof cannot
   * see), attributed to the items of the last sample and marked as seen that way.
   */
  addPrivilegedConnections(connections: ConnectionRecord[], takenAt: number): void {
    const owner = this.cachedAttribution?.owner;
    if (!owner) return;
    this.recordConnections(connections, takenAt, owner, true);
    this.unowned.observeConnections(connections, { indicators: this.indicators, dns: this.inventory.dns });
  }

  private recordConnections(
    connections: ConnectionRecord[],
    takenAt: number,
    owner: Map<number, string>,
    admin: boolean,
  ): void {
    for (const connection of connections) {
      const id = owner.get(connection.pid);
      if (id === undefined) continue;
      const state = this.stateFor(id);
      if (
        connection.remoteAddress !== undefined &&
        connection.remotePort !== undefined &&
        connection.remoteAddress !== '*'
      ) {
        const key = this.endpointKeys.key(connection.protocol, connection.remoteAddress, connection.remotePort);
        const known = state.destinations.get(key);
        state.touched.add(key);
        if (known) {
          known.lastSeen = takenAt;
          if (connection.state) known.state = connection.state;
          if (admin) known.seenWithAdmin = true;
        } else {
          const destination: Destination = {
            remoteAddress: connection.remoteAddress,
            remotePort: connection.remotePort,
            protocol: connection.protocol,
            classification: 'other',
            pid: connection.pid,
            firstSeen: takenAt,
            lastSeen: takenAt,
          };
          if (connection.state) destination.state = connection.state;
          if (admin) destination.seenWithAdmin = true;
          state.destinations.set(key, destination);
          state.evidenceVersion++;
          if (state.destinations.size > MAX_DESTINATIONS_PER_ITEM) this.evictDestination(state);
        }
      } else if (
        connection.localPort !== undefined &&
        (connection.state === 'LISTEN' || connection.protocol === 'UDP')
      ) {
        const key = this.endpointKeys.key(connection.protocol, connection.localAddress, connection.localPort);
        const known = state.listening.get(key);
        if (known && known.pid === connection.pid) known.lastSeen = takenAt;
        else
          state.listening.set(key, {
            address: connection.localAddress,
            port: connection.localPort,
            protocol: connection.protocol,
            pid: connection.pid,
            lastSeen: takenAt,
          });
      }
    }
  }

  /** When the last sample was taken. */
  get lastSampleAt(): number | undefined {
    return this.lastAt;
  }

  /**
   * Whose sockets, CPU and details the next tick reads: the processes attributed to launch items in the
   * last sample, and the busy ones no item owns that are being followed (a pool they reach is what
   * makes one matter). The same set until either changes.
   */
  pidsToRead(): Set<number> {
    const followed = this.unowned.followedPids();
    if (followed.size === 0) return this.lastAttributed;
    if (this.toRead?.attributed !== this.lastAttributed || this.toRead.followed !== followed)
      this.toRead = { attributed: this.lastAttributed, followed, pids: new Set([...this.lastAttributed, ...followed]) };
    return this.toRead.pids;
  }

  result(): ScanResult {
    const items = this.inventory.items.map((item) => this.judgeItem(item));
    const notes = [...this.inventory.notes, ...this.sampleNotes];
    if (this.impossibleCpu.count > 0)
      notes.push(
        `${this.impossibleCpu.count} CPU figure${this.impossibleCpu.count === 1 ? ' was' : 's were'} impossible and dropped (first: ${this.impossibleCpu.example})`,
      );
    const unowned = this.unowned.findings((seconds) => windowCovered(seconds, this.options.windowSeconds), {
      indicators: this.indicators,
      dns: this.inventory.dns,
    });
    for (const note of unowned.notes) notes.push(note);
    if (this.sampleCount < 2) notes.push('fewer than two samples: CPU use cannot be measured');
    const span = this.firstAt !== undefined && this.lastAt !== undefined ? (this.lastAt - this.firstAt) / 1000 : 0;
    if (this.sampleCount >= 2 && !windowCovered(span, this.options.windowSeconds))
      notes.push(
        `samples span ${Math.round(span)} s, less than the ${this.options.windowSeconds} s window: CPU is still being measured and flags nothing yet (a shorter --window judges a shorter capture)`,
      );
    const result: ScanResult = {
      source: this.inventory.source,
      host: this.inventory.host,
      privileged: this.inventory.privileged,
      options: { windowSeconds: this.options.windowSeconds, cpuThresholdPercent: this.options.cpuThresholdPercent },
      samples: this.sampleCount,
      notes: withRepeatsCounted(notes),
      items,
    };
    // Both reasons are said when both hold: one must not hide the other.
    const incomplete = [incompleteBecause(this.inventory), unowned.mining].filter((r) => r !== undefined);
    if (incomplete.length > 0) result.incomplete = incomplete.join('; ');
    if (unowned.miners.length > 0) result.unownedMiners = unowned.miners;
    if (this.inventory.user) result.user = this.inventory.user;
    if (this.firstAt !== undefined) result.startedAt = this.firstAt;
    if (this.lastAt !== undefined) result.endedAt = this.lastAt;
    return result;
  }

  /** Verdicts only: what the tray and the notifications need every tick, without building the detail. */
  verdicts(): ItemVerdict[] {
    return this.inventory.items.map((item) => {
      const { verdict, score, cpu } = this.assess(item);
      return { id: item.id, label: item.label, verdict, score, cpuPercent: cpu.avgPercent };
    });
  }

  /**
   * What a history store needs of the samples after `since`: each item's verdict (from `verdicts()`), the
   * destinations seen and the CPU points taken since then. A tick's worth, not the whole detailed result;
   * destinations are those seen since the previous call (the monitor calls it once per tick).
   */
  historySince(since: number, verdicts: ItemVerdict[]): HistoryInput {
    const verdictOf = new Map(verdicts.map((v) => [v.id, v.verdict]));
    const items: HistoryItemInput[] = [];
    for (const item of this.inventory.items) {
      const state = this.stateFor(item.id);
      const destinations: Destination[] = [];
      // Only what was touched since the last call: a tick looks at its own sightings, not every destination.
      for (const key of state.touched) {
        const d = state.destinations.get(key);
        if (d && d.lastSeen > since) destinations.push(classifiedCopy(key, d, state.judged));
      }
      state.touched.clear();
      items.push({
        item,
        verdict: verdictOf.get(item.id) ?? this.assess(item).verdict,
        destinations,
        history: state.history.newerThan(since),
      });
    }
    return { source: this.inventory.source, items };
  }

  /**
   * An item's verdict and reasons. Most items are the same from one tick to the next (idle, their
   * evidence unchanged, their CPU figures equal): the last assessment is kept and reused then, so a tick
   * allocates nothing for them.
   */
  private assess(item: LaunchItem): Assessment {
    const state = this.stateFor(item.id);
    const cpu = this.cpuSummary(state);
    const judged = this.judgedEvidence(item, state);
    const baseline = this.options.baselines?.get(item.id);
    const inputs: AssessmentInputs = {
      item,
      judged,
      cpu,
      baseline,
      approvals: this.options.approvals,
      source: this.inventory.source,
      cpuThresholdPercent: this.options.cpuThresholdPercent,
      baselineOptions: this.options.baselineOptions,
      now: baseline?.lastChange ? (this.lastAt ?? Number.NaN) : 0,
    };
    if (state.assessed && sameAssessmentInputs(state.assessed.inputs, inputs)) return state.assessed.assessment;
    const assessment = this.assessAfresh(item, state, cpu, judged, baseline);
    state.assessed = { inputs, assessment };
    return assessment;
  }

  private assessAfresh(
    item: LaunchItem,
    state: ItemState,
    cpu: CpuSummary,
    judged: JudgedEvidence,
    baseline: ItemBaseline | undefined,
  ): Assessment {
    const cpuSign = cpuReason(cpu, this.options);
    const past = baseline
      ? baselineReasons({
          baseline,
          cpu,
          destinations: this.destinationsOf(state, judged),
          options: this.options,
          now: this.lastAt ?? Date.now(),
          ...(this.options.baselineOptions ? { baselineOptions: this.options.baselineOptions } : {}),
        })
      : undefined;
    let reasons: Reason[] = [...(cpuSign ? [cpuSign] : []), ...judged.reasons, ...(past?.reasons ?? [])];
    const approval = findApproval(item, this.options.approvals ?? []);
    // A CPU-only acceptance takes the CPU reason away (while it holds); it never makes an item approved.
    if (approval?.cpuLimitPercent !== undefined)
      reasons = applyCpuAcceptance(
        approval as Approval & { cpuLimitPercent: number },
        item,
        cpu.avgPercent,
        reasons,
        this.inventory.source,
        this.runsOutsideItsJob(item, state),
      );
    const vendor = knownVendorOf(judged.signing, this.indicators);
    const { verdict: judgedVerdict, score } = judge(reasons, { knownVendor: vendor !== undefined });
    const outcome =
      approval && approval.cpuLimitPercent === undefined
        ? approvalOutcome(approval, item, this.inventory.source, this.runsOutsideItsJob(item, state))
        : undefined;
    const verdict: Verdict = outcome?.applies ? 'approved' : judgedVerdict;
    return {
      state,
      cpu,
      judged,
      reasons,
      judgedVerdict,
      verdict,
      score,
      ...(outcome ? { approval: outcome } : {}),
      ...(vendor ? { vendor } : {}),
      ...(baseline
        ? {
            past: {
              firstSeen: baseline.firstSeen,
              ...(baseline.lastChange ? { lastChange: baseline.lastChange } : {}),
              ...(past?.usual ? { usual: past.usual } : {}),
            },
          }
        : {}),
    };
  }

  private destinationsOf(state: ItemState, judged: JudgedEvidence): Destination[] {
    return [...state.destinations.entries()].map(([key, d]) => classifiedCopy(key, d, judged));
  }

  private judgeItem(item: LaunchItem): ItemResult {
    const { state, cpu, judged, reasons, judgedVerdict, verdict, score, approval, past, vendor } = this.assess(item);
    const destinations = this.destinationsOf(state, judged);
    // The evidence's verdict decides the ATT&CK IDs: an approved miner still mines.
    const attack = [
      ...new Set([
        ...(judgedVerdict === 'mining' || judgedVerdict === 'suspicious' ? ['AN0743', 'T1496'] : []),
        item.persistenceTechnique,
        ...reasons.map((r) => r.attack).filter((a): a is string => a !== undefined),
      ]),
    ];
    const loadedService = item.label ? this.loadedByLabel.get(item.label) : undefined;
    const running = state.pids.length > 0;
    const result: ItemResult = {
      item,
      loaded: loadedService !== undefined || running,
      loadedKnown:
        loadedService !== undefined ||
        running ||
        item.kind !== 'LaunchDaemon' ||
        this.inventory.loadedListCoversDaemons,
      running,
      attribution: state.method,
      verdict,
      judgedVerdict,
      score,
      // Copies: the assessment is kept for the next tick, and a result is its reader's to change.
      reasons: approval ? [approval.reason, ...reasons] : [...reasons],
      attack,
      cpu: { ...cpu },
      history: state.history.recent(),
      longHistory: state.history.downsampled(),
      processes: this.processesOf(state),
      destinations: destinations.sort((a, b) => b.lastSeen - a.lastSeen),
      listening: [...state.listening.values()].map(({ address, port, protocol, pid }) => ({
        address,
        port,
        protocol,
        pid,
      })),
    };
    if (state.forgottenDestinations > 0) result.forgottenDestinations = state.forgottenDestinations;
    if (judged.signing) result.signing = judged.signing;
    if (loadedService?.lastExitStatus !== undefined) result.lastExitStatus = loadedService.lastExitStatus;
    if (approval) result.approval = approval.info;
    if (past) result.past = past;
    if (vendor) result.vendor = vendor;
    return result;
  }

  /** Everything but CPU, recomputed only when the item's evidence or the inventory changed. */
  private judgedEvidence(item: LaunchItem, state: ItemState): JudgedEvidence {
    if (
      state.judged &&
      state.judged.version === state.evidenceVersion &&
      state.judged.inventoryVersion === this.inventoryVersion
    )
      return state.judged;
    try {
      state.judged = this.judgeEvidenceAfresh(item, state);
    } catch (error) {
      // One item's arguments, files or processes must never stop the scan of every other item: what
      // could not be analysed is itself a reason to look harder at it.
      state.judged = {
        version: state.evidenceVersion,
        inventoryVersion: this.inventoryVersion,
        classified: new Map(),
        reasons: [analysisIncomplete(`its evidence: ${errorText(error)}`)],
      };
    }
    return state.judged;
  }

  /** What a destination of this item is classified against: pools known, names, and pools it names itself. */
  private destinationContext(item: LaunchItem, state: ItemState): DestinationContext {
    const configured = this.configuredFindings(item);
    if (!state.observedFindings) {
      state.observedFindings = emptyFindings();
      for (const { findings } of state.observedCommandLines.values())
        if (findings) mergeInto(state.observedFindings, findings);
    }
    const observed = state.observedFindings;
    return {
      indicators: this.indicators,
      dns: this.inventory.dns,
      configured: [...configured.endpoints, ...configured.stratumUrls, ...observed.endpoints, ...observed.stratumUrls],
    };
  }

  /**
   * Whether the item's processes were found by their command line alone although launchd's list covers its
   * job, so launchd did not start them as it: a process that left the job's tree, or one that copied its
   * command line. (A list read without root holds no daemons; an agent for another session type is in
   * another domain's list.)
   */
  private runsOutsideItsJob(item: LaunchItem, state: ItemState): boolean {
    if (state.method !== 'arguments' && state.method !== 'program' && state.method !== 'detached-program') return false;
    if (this.inventory.host.os !== 'macOS' || this.inventory.loaded.length === 0) return false;
    if (item.kind === 'LaunchDaemon') return this.inventory.loadedListCoversDaemons;
    if (item.kind !== 'LaunchAgent') return false;
    const sessions = item.limitLoadToSessionType;
    return sessions.length === 0 || sessions.includes('Aqua');
  }

  /**
   * Past the bound, the least recently seen destination that is no evidence goes: a miner that reaches
   * hundreds of web hosts cannot push its pool out. Only when every destination is a pool, Stratum port
   * or tunnel does the least recently seen one go.
   */
  private evictDestination(state: ItemState): void {
    let context: DestinationContext | undefined;
    evictLeast(
      state.destinations,
      (d) => d.lastSeen,
      (d) => {
        if (!state.item) return false;
        context ??= this.destinationContext(state.item, state);
        return this.isEvidence(d, context);
      },
    );
  }

  /**
   * Whether a destination is a pool, Stratum port or tunnel. Kept per destination while the names and
   * pools it is classified against stay the same, so a flood of new destinations costs one
   * classification each, not one per destination held.
   */
  private isEvidence(d: Destination, context: DestinationContext): boolean {
    const version = `${this.inventoryVersion}:${context.configured.length}`;
    const known = this.evidenceOf.get(d);
    if (known?.version === version) return known.evidence;
    const { classification } = classifyDestination(d.remoteAddress, d.remotePort, context);
    const evidence = !FORGETTABLE.has(classification);
    this.evidenceOf.set(d, { version, evidence });
    return evidence;
  }

  private judgeEvidenceAfresh(item: LaunchItem, state: ItemState): JudgedEvidence {
    const context = this.destinationContext(item, state);
    const configured = this.configuredFindings(item);
    const observed = state.observedFindings ?? emptyFindings();
    const classified = new Map<string, { classification: Destination['classification']; hostname?: string }>();
    const destinations: Destination[] = [];
    for (const [key, d] of state.destinations) {
      const c = classifyDestination(d.remoteAddress, d.remotePort, context);
      classified.set(
        key,
        c.hostname ? { classification: c.classification, hostname: c.hostname } : { classification: c.classification },
      );
      destinations.push({ ...d, classification: c.classification, ...(c.hostname ? { hostname: c.hostname } : {}) });
    }
    const signing = item.program ? this.inventory.signing.get(item.program) : undefined;
    const reasons = evidenceReasons(
      {
        item,
        configured,
        observed,
        destinations,
        // What it runs: its program, the programs its commands start by name (past exec, nohup, ...: what
        // its processes show as argv[0] is their starter's choice), and what its processes were seen to run.
        executables: [
          ...new Set([
            ...(item.program ? [item.program] : []),
            ...(this.started.get(item.id) ?? []),
            ...state.executables,
          ]),
        ],
        interpreterWithChildren: state.interpreterWithChildren,
        detached: state.detached,
        ...(signing ? { signing } : {}),
      },
      this.indicators,
    );
    if (state.unanalysedCommandLine !== undefined) reasons.push(analysisIncomplete(state.unanalysedCommandLine));
    // Past a reader's bounds (a command built to outlast them: decoys first, the payload after): looked at harder.
    else if (configured.unread !== undefined) reasons.push(analysisIncomplete(`${configured.unread}, not read`));
    return {
      version: state.evidenceVersion,
      inventoryVersion: this.inventoryVersion,
      classified,
      reasons,
      ...(signing ? { signing } : {}),
    };
  }

  private cpuSummary(state: ItemState): CpuSummary {
    const { covered, weighted, max } = state.history.windowSince(
      (this.lastAt ?? 0) - this.options.windowSeconds * 1000,
    );
    const avg = covered > 0 ? weighted / covered : 0;
    // "Sustained" means over the whole window: until the samples cover it, the item is being measured.
    const full = windowCovered(covered, this.options.windowSeconds);
    const summary: CpuSummary = {
      avgPercent: round1(avg),
      maxPercent: round1(max),
      sustained: full && covered > 0 && avg >= this.options.cpuThresholdPercent,
      coveredSeconds: covered,
    };
    if (!full) summary.measuring = true;
    return summary;
  }

  private configuredFindings(item: LaunchItem): CommandFindings {
    const cached = this.configuredCache.get(item.id);
    if (cached) return cached;
    // The command as its program reads it, and the name it shows when Program is set apart from argv[0].
    const command = commandRunBy(item);
    const findings = analyseCommand(command, 'arguments', this.indicators);
    if (command !== item.arguments && item.arguments[0] !== undefined)
      analyseCommand([item.arguments[0]], 'arguments', this.indicators, findings);
    const named = followFilesNamedByJob(item, this.inventory.user, this.inventory.files);
    for (const path of named.reached) {
      const text = this.inventory.files.get(path);
      if (text !== undefined) analyseFileText(path, text, this.indicators, findings);
    }
    if (named.unread !== undefined) findings.unread ??= named.unread;
    this.configuredCache.set(item.id, findings);
    return findings;
  }

  private recordProcesses(
    item: LaunchItem,
    state: ItemState,
    a: ItemAttribution | undefined,
    byPid: Map<number, ProcessRecord>,
  ): void {
    state.pids = a?.pids ?? [];
    if (!a) return;
    state.method = a.method;
    if (
      !state.interpreterWithChildren &&
      a.pids.length > a.rootPids.length &&
      item.program &&
      isInterpreter(item.program)
    ) {
      state.interpreterWithChildren = true;
      state.evidenceVersion++;
    }
    if (!state.detached && a.method === 'detached-program') {
      state.detached = true;
      state.evidenceVersion++;
    }
    for (const pid of a.pids) {
      const p = byPid.get(pid);
      // Each process's command line is looked at once, not every sample; a process that exec()s keeps
      // its pid and start time but shows a new command line, which is looked at too.
      if (!p) continue;
      const seen = state.seen.get(pid);
      if (seen && seen.startedAt === p.startedAt && seen.args === p.args) {
        if (seen.observed) seen.observed.lastSeen = this.sampleCount;
        continue;
      }
      const entry: { startedAt: number; args: string; observed?: { lastSeen: number } } = {
        startedAt: p.startedAt,
        args: p.args,
      };
      state.seen.set(pid, entry);
      if (state.seen.size > 4 * MAX_COMMAND_LINES_PER_ITEM) state.seen.clear();
      const executable = executableOf(p);
      if (!state.executables.has(executable)) {
        state.executables.add(executable);
        state.evidenceVersion++;
      }
      const args = p.argv ? p.argv.join(' ') : p.args;
      const known = state.observedCommandLines.get(args);
      if (known) {
        known.lastSeen = this.sampleCount;
        entry.observed = known;
      } else if (args !== state.ownCommandLine) {
        // Bounded, and the longest unseen that said nothing go first: a loop of ever-different children
        // can neither crowd out a miner that starts later nor flush the pool and wallet one said before.
        // A quarter at a time, so what they said is merged again once per 16 new lines, not for each.
        if (state.observedCommandLines.size >= MAX_COMMAND_LINES_PER_ITEM) {
          for (let i = 0; i < MAX_COMMAND_LINES_PER_ITEM / 4; i++)
            evictLeast(
              state.observedCommandLines,
              (line) => line.lastSeen,
              (line) => line.findings !== undefined,
            );
          state.observedFindings = undefined;
        }
        const line: ObservedCommandLine = { where: `command line of pid ${pid}`, lastSeen: this.sampleCount };
        try {
          const findings = analyseCommand(splitArgs(args), line.where, this.indicators);
          if (!saysNothing(findings)) line.findings = findings;
        } catch (error) {
          state.unanalysedCommandLine = `${line.where}: ${errorText(error)}`;
        }
        state.observedCommandLines.set(args, line);
        if (state.observedFindings && line.findings) mergeInto(state.observedFindings, line.findings);
        entry.observed = line;
        state.evidenceVersion++;
      }
    }
  }

  /** The item's processes in the last sample, with their CPU in the last interval. */
  private processesOf(state: ItemState): ItemProcess[] {
    const interval = this.lastDeltas?.intervalSeconds;
    return state.pids.map((pid) => {
      const p = this.lastProcesses.get(pid);
      const out: ItemProcess = { pid, ppid: p?.ppid ?? 0, args: p?.args ?? '', startedAt: p?.startedAt ?? 0 };
      if (p?.uid !== undefined) {
        out.uid = p.uid;
        const name = this.inventory.userNames?.get(p.uid);
        if (name) out.user = name;
      }
      const used = this.lastDeltas?.byPid.get(pid);
      if (used !== undefined && interval) out.cpuPercent = round1((used / interval) * 100);
      return out;
    });
  }

  /**
   * What an item has not shown for as long as its CPU history reaches back drops out, so memory stays
   * flat however long the monitor runs: ordinary destinations (a count is kept; pools, Stratum ports
   * and tunnels stay, bounded), listening sockets, and processes looked at that are gone.
   */
  private expire(state: ItemState): void {
    const cutoff = state.history.keptSince();
    if (cutoff === -Infinity) return;
    let forgotten = 0;
    // Classified as of now (judged again if its evidence changed since): a pool is never taken for ordinary.
    const judged = state.item ? this.judgedEvidence(state.item, state) : state.judged;
    for (const [key, d] of state.destinations) {
      if (d.lastSeen >= cutoff) continue;
      const classification = judged?.classified.get(key)?.classification ?? 'other';
      if (!FORGETTABLE.has(classification)) continue;
      state.destinations.delete(key);
      forgotten++;
    }
    if (forgotten > 0) {
      state.forgottenDestinations += forgotten;
      state.evidenceVersion++;
    }
    for (const [key, l] of state.listening) if (l.lastSeen < cutoff) state.listening.delete(key);
    for (const key of state.touched) if (!state.destinations.has(key)) state.touched.delete(key);
    if (state.seen.size > state.pids.length) {
      const current = new Set(state.pids);
      for (const pid of state.seen.keys()) if (!current.has(pid)) state.seen.delete(pid);
    }
  }

  private stateFor(id: string): ItemState {
    let state = this.states.get(id);
    if (!state) {
      state = {
        history: new CpuHistory({ recentCapacity: this.options.historyCapacity ?? 720 }),
        destinations: new Map(),
        listening: new Map(),
        forgottenDestinations: 0,
        pids: [],
        seen: new Map(),
        ownCommandLine: '',
        method: 'none',
        observedCommandLines: new Map(),
        observedFindings: undefined,
        touched: new Set(),
        executables: new Set(),
        interpreterWithChildren: false,
        detached: false,
        evidenceVersion: 0,
      };
      this.states.set(id, state);
    }
    return state;
  }
}

/** A recorded series (a capture) judged in one go, every sample kept in the history. */
export function analyseSamples(
  inventory: Inventory,
  samples: Sample[],
  options: Omit<AnalyzerOptions, 'historyCapacity'>,
): ScanResult {
  const analyzer = new Analyzer(inventory, { ...options, historyCapacity: Math.max(2, samples.length) });
  for (const sample of samples) analyzer.addSample(sample);
  return analyzer.result();
}

/** Same pids with the same start times (within ps's one-second wobble), in the same order. */
function sameProcesses(a: ProcessRecord[], b: ProcessRecord[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as ProcessRecord;
    const y = b[i] as ProcessRecord;
    if (x.pid !== y.pid || x.ppid !== y.ppid || Math.abs(x.startedAt - y.startedAt) > 2500) return false;
  }
  return true;
}

function mergeInto(target: CommandFindings, source: CommandFindings): void {
  const merged = mergeFindings(target, source);
  Object.assign(target, merged);
}

/** ps gives one string; split on spaces (paths with spaces are rare in miners' own command lines). */
function splitArgs(args: string): string[] {
  return args.split(' ').filter((a) => a !== '');
}

/**
 * Drops from a bounded map (destinations, command lines) the entry with the smallest `age` among those not
 * worth keeping, or when all are, the one with the smallest `age`.
 */
function evictLeast<T>(map: Map<string, T>, age: (value: T) => number, worthKeeping: (value: T) => boolean): void {
  let ordinary: string | undefined;
  let ordinaryAge = Infinity;
  let any: string | undefined;
  let anyAge = Infinity;
  for (const [key, value] of map) {
    const at = age(value);
    if (at < anyAge) {
      anyAge = at;
      any = key;
    }
    if (at < ordinaryAge && !worthKeeping(value)) {
      ordinaryAge = at;
      ordinary = key;
    }
  }
  const key = ordinary ?? any;
  if (key !== undefined) map.delete(key);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * A read that found no launch items, or (on a Mac) a `launchctl list` that gave nothing, saw too little
 * to say "all clear": every Mac has launch items and launchd always lists services. So did a reader that
 * knows it left something unread (`inventory.incomplete`).
 */
export function incompleteBecause(inventory: Inventory): string | undefined {
  const seenTooLittle = (): string | undefined => {
    if (inventory.items.length === 0)
      return inventory.collectedBy === 'osquery'
        ? "osquery sent no launchd rows for this host (the pack's launchwatch_launchd query runs hourly: it has not run yet, or its results are missing)"
        : 'no launch items were found (the folders could not be read, or the capture holds none)';
    if (inventory.host.os === 'macOS' && inventory.loaded.length === 0 && inventory.collectedBy !== 'osquery')
      return 'launchctl list gave no services (it failed, or its output is missing from the capture), so nothing could be matched to what runs';
    return undefined;
  };
  // What the reader knows it did not see is said beside the rest, not instead of it.
  const reasons = [inventory.incomplete, seenTooLittle()].filter((r) => r !== undefined && r !== '');
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** Timers and ps wobble by a fraction of a second: a window counts as covered within one second. */
export function windowCovered(seconds: number, windowSeconds: number): boolean {
  return seconds + 1 >= windowSeconds;
}

/** The vendor in known-vendors.json whose Developer ID signed the program, if one did. */
function knownVendorOf(
  signing: SigningInfo | undefined,
  indicators: Indicators,
): { teamId: string; name: string; kind: string } | undefined {
  if (signing?.status !== 'developer-id' || !signing.teamId) return undefined;
  const vendor = indicators.knownVendors.get(signing.teamId);
  return vendor ? { teamId: signing.teamId, ...vendor } : undefined;
}

/**
 * An item's facts that evidence and attribution depend on. The plist's hash stands for everything read
 * from it; the rest comes from elsewhere (the program's and named files' hashes, overrides, problems found,
 * the signature). An item without a hash (unreadable) is compared in full.
 */
function itemFingerprint(item: LaunchItem, inventory: Inventory): string {
  const signing = item.program ? inventory.signing.get(item.program) : undefined;
  const fromPlist = item.sha256 ?? JSON.stringify({ ...item, content: undefined, rawText: undefined });
  return [
    fromPlist,
    item.id,
    item.label,
    item.program ?? '',
    item.unitName ?? '',
    item.programSha256 ?? '',
    item.referencedSha256 ?? '',
    item.scriptNamedSha256 ?? '',
    item.scriptChainSha256 ?? '',
    String(item.disabledOverride),
    item.problems.join('\n'),
    signing ? JSON.stringify(signing) : '',
  ].join('\u0000');
}

function sameStringMap(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/** The same labels with the same pids: attribution by launchd's pid would come out the same. */
function sameLoaded(a: Map<string, LoadedService>, b: Map<string, LoadedService>): boolean {
  if (a.size !== b.size) return false;
  for (const [label, service] of a) if (b.get(label)?.pid !== service.pid) return false;
  return true;
}

/** A destination as last judged: its class and host name from the judged evidence ('other' until judged). */
function classifiedCopy(key: string, d: Destination, judged: JudgedEvidence | undefined): Destination {
  const classified = judged?.classified.get(key);
  const out: Destination = { ...d, classification: classified?.classification ?? 'other' };
  if (classified?.hostname) out.hostname = classified.hostname;
  return out;
}

/** What the engine could not analyse of an item (a fault of ours, or input built to cause one). */
function analysisIncomplete(what: string): Reason {
  return {
    code: 'analysis.incomplete',
    family: 'hiding',
    strength: 'weak',
    weight: 15,
    text: `part of what this item runs could not be analysed (${what}); judged by the rest`,
  };
}

function errorText(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 200);
}
