// What the menu-bar icon shows: the worst current verdict (approved items stay quiet).
import type { StatusSummary, Verdict } from '../api/contract';

export type TrayLevel = 'clear' | 'high-cpu' | 'suspicious' | 'mining';

export interface TrayState {
  level: TrayLevel;
  /** File name in assets/tray (the @2x file sits beside it). */
  icon: string;
  /** Template images follow the menu bar's light or dark look; the alarms are coloured. */
  template: boolean;
  tooltip: string;
  /** Short text beside the icon; empty when all is clear. */
  title: string;
}

const ICONS: Record<TrayLevel, { icon: string; template: boolean }> = {
  clear: { icon: 'trayTemplate.png', template: true },
  'high-cpu': { icon: 'tray-cpuTemplate.png', template: true },
  suspicious: { icon: 'tray-suspicious.png', template: false },
  mining: { icon: 'tray-mining.png', template: false },
};

export function trayState(snapshot: StatusSummary | undefined): TrayState {
  if (!snapshot || snapshot.loading)
    return { level: 'clear', ...ICONS.clear, tooltip: 'Launchwatch: taking the first samples', title: '' };
  const count = (v: Verdict) => snapshot.items.filter((i) => i.verdict === v).length;
  const mining = count('mining');
  const suspicious = count('suspicious');
  const busy = count('high-cpu');
  const level: TrayLevel = mining > 0 ? 'mining' : suspicious > 0 ? 'suspicious' : busy > 0 ? 'high-cpu' : 'clear';
  const parts = [
    mining && `${mining} mining`,
    suspicious && `${suspicious} suspicious`,
    busy && `${busy} high CPU`,
  ].filter(Boolean);
  const paused = snapshot.paused ? ' (paused)' : '';
  return {
    level,
    ...ICONS[level],
    tooltip:
      parts.length === 0
        ? `Launchwatch: no launch item is mining${paused}`
        : `Launchwatch: ${parts.join(', ')}${paused}`,
    title: mining + suspicious > 0 ? String(mining + suspicious) : '',
  };
}
