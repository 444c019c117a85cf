// Times as the person at that Mac saw them: in the machine's own time zone, with the zone named, so a
// helpdesk elsewhere reads "10:15 CET" as the owner's morning and not their own. A zone this runtime
// does not know falls back to the recorded UTC offset; with neither, UTC, said so.
import type { MachineFacts } from './model';

export type Zone = Pick<MachineFacts, 'timeZone' | 'utcOffset'> | undefined;

/** "2026-11-30 10:15:00 CET" (Europe/Paris), "2026-11-30 10:15:00 UTC+01:00", or "2026-11-30 09:15:00 UTC". */
export function formatTime(ms: number, zone: Zone): string {
  if (!Number.isFinite(ms)) return '—';
  if (zone?.timeZone) {
    const named = inNamedZone(ms, zone.timeZone);
    if (named) return named;
  }
  const offset = offsetMinutes(zone?.utcOffset);
  if (offset !== undefined) {
    const sign = offset < 0 ? '-' : '+';
    const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
    const mm = String(Math.abs(offset) % 60).padStart(2, '0');
    return `${utcText(ms + offset * 60_000)} UTC${sign}${hh}:${mm}`;
  }
  return `${utcText(ms)} UTC`;
}

/** "Europe/Paris" or "UTC+01:00": which zone formatTime shows times in, for a report's header. */
export function zoneName(zone: Zone): string {
  if (zone?.timeZone && inNamedZone(0, zone.timeZone)) return zone.timeZone;
  const offset = zone?.utcOffset;
  if (offsetMinutes(offset) !== undefined) return `UTC${offset?.slice(0, 3)}:${offset?.slice(3)}`;
  return 'UTC';
}

function inNamedZone(ms: number, timeZone: string): string | undefined {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    }).formatToParts(new Date(ms));
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${part('timeZoneName')}`;
  } catch {
    return undefined; // RangeError: a zone name this runtime does not know
  }
}

function offsetMinutes(offset: string | undefined): number | undefined {
  if (!offset || offset.length !== 5 || (offset[0] !== '+' && offset[0] !== '-')) return undefined;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(3, 5));
  if (!Number.isInteger(hours) || !Number.isInteger(minutes) || hours > 14 || minutes > 59) return undefined;
  return (offset[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function utcText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
