// Draws the menu-bar icons (run once: node assets/tray/generate.mjs). macOS template images are black
// with alpha and follow the menu bar's light or dark look; the flagged states are coloured on purpose.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [0];
    for (let x = 0; x < size; x++) row.push(...pixel((x + 0.5) / size, (y + 0.5) / size));
    rows.push(Buffer.from(row));
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  header[10] = 0;
  header[11] = 0;
  header[12] = 0;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
// An eye: an almond outline with a pupil; `mark` adds a state mark at the lower right.
function eye([r, g, b], mark) {
  return (x, y) => {
    const dx = x - 0.5,
      dy = y - 0.5;
    const lid = Math.abs(dy) - (0.28 - 1.1 * dx * dx);
    const outline = Math.abs(lid) < 0.05 && Math.abs(dx) < 0.46;
    const pupil = Math.hypot(dx, dy) < 0.12;
    const markHit = mark && Math.hypot(x - 0.82, y - 0.82) < 0.16;
    const on = outline || pupil || markHit;
    return on ? [r, g, b, 255] : [0, 0, 0, 0];
  };
}
const variants = {
  trayTemplate: eye([0, 0, 0], false),
  'tray-cpuTemplate': eye([0, 0, 0], true),
  'tray-suspicious': eye([217, 119, 6], true),
  'tray-mining': eye([220, 38, 38], true),
};
const dir = new URL('.', import.meta.url);
for (const [name, draw] of Object.entries(variants)) {
  writeFileSync(new URL(`${name}.png`, dir), png(16, draw));
  writeFileSync(new URL(`${name}@2x.png`, dir), png(32, draw));
}
