// Which monitor events are worth a native notification: an item that becomes mining or suspicious, and a
// launch item that appears or changes. Everything else shows in the window only.
import type { MonitorEvent } from '../engine/monitor';

export interface NotificationRequest {
  itemId: string;
  title: string;
  body: string;
}

export function notificationFor(event: MonitorEvent): NotificationRequest | undefined {
  const name = event.item.label || event.item.plistPath;
  switch (event.type) {
    case 'verdict-changed':
      if (event.to === 'mining')
        return {
          itemId: event.item.id,
          title: 'A launch item is mining',
          body: `${name} uses the CPU and talks to a mining service.`,
        };
      if (event.to === 'suspicious')
        return {
          itemId: event.item.id,
          title: 'A launch item looks like a miner',
          body: `${name} shows signs of mining. Open it to see why.`,
        };
      return undefined;
    case 'item-added':
      return { itemId: event.item.id, title: 'New launch item', body: `${name} was added (${event.item.plistPath}).` };
    case 'item-changed':
      // A miner often hides in something that was harmless yesterday: a replaced program, a new argument.
      return {
        itemId: event.item.id,
        title: 'A launch item changed',
        body: `${name}: its ${event.what.map((w) => CHANGED[w]).join(' and ')} changed.`,
      };
    default:
      return undefined;
  }
}

const CHANGED = { plist: 'property list', program: 'program', files: 'scripts or configs' } as const;
