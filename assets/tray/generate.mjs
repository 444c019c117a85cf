// Draws the menu-bar icons (run once: node assets/tray/generate.mjs). macOS template images are black
// with alpha and follow the menu bar's light or dark look; the flagged states are coloured on purpose.
import { writeFileSync } from 'node:fs';
import { png } from '../png.mjs';

/** An eye: an almond outline with a pupil; `mark` adds a state mark at the lower right. */
export function eye([r, g, b], mark) {
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
if (process.argv[1] === new URL(import.meta.url).pathname) {
  const dir = new URL('.', import.meta.url);
  for (const [name, draw] of Object.entries(variants)) {
    writeFileSync(new URL(`${name}.png`, dir), png(16, draw));
    writeFileSync(new URL(`${name}@2x.png`, dir), png(32, draw));
  }
}
