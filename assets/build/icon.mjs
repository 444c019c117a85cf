// Draws the app icon (node assets/build/icon.mjs): the tray's eye, white, on a rounded dark square,
// written as the 1024-pixel source image icon.png and as icon.icns for the Mac app. An .icns is the
// magic "icns", the file's length, then entries (type, length, data); the ic07-ic14 entries hold PNG
// data as it is (Apple's Icon Services format, as iconutil writes it).
import { writeFileSync } from 'node:fs';
import { png } from '../png.mjs';
import { eye } from '../tray/generate.mjs';

const white = eye([255, 255, 255], false);

/** A rounded square (macOS icon grid: 824 of 1024, corner radius 185) with the eye in its middle. */
export function icon(x, y) {
  const margin = 100 / 1024;
  const radius = 185 / 1024;
  const inside = (() => {
    if (x < margin || x > 1 - margin || y < margin || y > 1 - margin) return false;
    const cx = Math.min(Math.max(x, margin + radius), 1 - margin - radius);
    const cy = Math.min(Math.max(y, margin + radius), 1 - margin - radius);
    return Math.hypot(x - cx, y - cy) <= radius;
  })();
  if (!inside) return [0, 0, 0, 0];
  const u = (x - 0.2) / 0.6;
  const v = (y - 0.2) / 0.6;
  if (u > 0 && u < 1 && v > 0 && v < 1 && white(u, v)[3] > 0) return [255, 255, 255, 255];
  return [31, 41, 55, 255];
}

/** Entry types and the pixel size of the PNG each holds. */
export const ICNS_ENTRIES = [
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];

export function icns(render) {
  const entries = ICNS_ENTRIES.map(([type, size]) => {
    const data = render(size);
    const header = Buffer.alloc(8);
    header.write(type, 0, 'latin1');
    header.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([header, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + entries.reduce((n, e) => n + e.length, 0), 4);
  return Buffer.concat([head, ...entries]);
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const cache = new Map();
  const render = (size) => {
    if (!cache.has(size)) cache.set(size, png(size, icon));
    return cache.get(size);
  };
  writeFileSync(new URL('icon.png', import.meta.url), render(1024));
  writeFileSync(new URL('icon.icns', import.meta.url), icns(render));
}
