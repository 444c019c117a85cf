// The machine facts a helpdesk asks for first (model, OS build, CPU, memory, uptime, who is logged in,
// serial, time zone), read live through systeminformation, the design card's package for host facts.
// On a Mac it asks sysctl, sw_vers, ioreg and system_profiler; on Linux it reads /proc and /sys. Each
// fact is optional: a tool that fails or is slow costs that fact and a note, never the scan.
import si from 'systeminformation';
import type { MachineFacts } from '../engine/model';
import { hasControlCharacters } from '../engine/terminal-text';

/** system_profiler can take seconds on a busy Mac; past this the facts are left out, with a note. */
const FACTS_TIMEOUT_MS = 15_000;
/** A fact is a short line: anything longer (or with control characters) is not one we show. */
const MAX_FACT_LENGTH = 200;

export interface MachineFactsReading {
  facts: MachineFacts;
  notes: string[];
}

type Source = Pick<typeof si, 'system' | 'osInfo' | 'cpu' | 'mem' | 'time' | 'users'>;

export async function readMachineFacts(
  source: Source = si,
  timeoutMs = FACTS_TIMEOUT_MS,
): Promise<MachineFactsReading> {
  const notes: string[] = [];
  const ask = async <T>(what: string, read: () => Promise<T> | T): Promise<T | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        Promise.resolve().then(read),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
          timer.unref();
        }),
      ]);
    } catch (error) {
      notes.push(`machine facts: the ${what} could not be read (${(error as Error).message})`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
  const [system, os, cpu, mem, time, users] = await Promise.all([
    ask('model and serial number', () => source.system()),
    ask('OS build', () => source.osInfo()),
    ask('CPU model', () => source.cpu()),
    ask('memory size', () => source.mem()),
    ask('uptime and time zone', () => source.time()),
    ask('logged-in users', () => source.users()),
  ]);
  const facts: MachineFacts = {};
  const set = (key: 'model' | 'osBuild' | 'cpuModel' | 'loggedInUser' | 'serial' | 'timeZone', value: unknown) => {
    const text = factText(value);
    if (text !== undefined) facts[key] = text;
  };
  set('model', system?.model);
  // systeminformation answers "-" where the platform keeps no serial (containers, most Linux VMs).
  if (system?.serial !== '-') set('serial', system?.serial);
  set('osBuild', os?.build);
  set('cpuModel', [cpu?.manufacturer, cpu?.brand].filter((part) => factText(part) !== undefined).join(' '));
  if (mem && Number.isFinite(mem.total) && mem.total > 0) facts.memoryBytes = mem.total;
  if (time && Number.isFinite(time.uptime) && time.uptime >= 0)
    facts.bootedAt = Math.round(time.current - time.uptime * 1000);
  set('timeZone', time?.timezoneName);
  const offset = /^UTC([+-]\d{4})$/.exec(time?.timezone ?? '');
  if (offset?.[1]) facts.utcOffset = offset[1];
  // The console user on a Mac; the first logged-in user elsewhere.
  set('loggedInUser', users?.find((u) => u.tty === 'console')?.user ?? users?.[0]?.user);
  return { facts, notes };
}

function factText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text.length > MAX_FACT_LENGTH || hasControlCharacters(text)) return undefined;
  return text;
}

/** Read once per reader (the facts do not change while it runs); the notes are told once. */
export class MachineFactsCache {
  private reading: Promise<MachineFactsReading> | undefined;
  private told = false;

  async read(notes: string[], reader: () => Promise<MachineFactsReading> = readMachineFacts): Promise<MachineFacts> {
    this.reading ??= reader();
    const { facts, notes: own } = await this.reading;
    if (!this.told) notes.push(...own);
    this.told = true;
    return facts;
  }
}
