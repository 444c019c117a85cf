// What React makes again at each commit, counted in the page by the part of it each element is in: through
// React's hook for developer tools, which react-dom's production build calls at every commit. An element
// React made again was given new props (the Update flag, 4 in React 19's fiber flags), whether or not the
// DOM then changed: it is the work an update costs, counted rather than timed, so the same on any machine.
import type { Page } from 'playwright-core';

/**
 * Only the subtrees React went into at a commit are walked: a part it skipped keeps the fibers of the
 * commit that last drew it (the fiber's child is its alternate's). Parts: a <section> by its
 * aria-labelledby, the item page's header ("item-header"), the window's header ("app-header"), the status
 * bar's notes ("notes"), recharts' frame around the CPU line ("chart frame": inside .recharts-wrapper but
 * not the line's own layer), and "outside" for the rest.
 *
 * The CPU chart's draws are counted too, by the props its component (not the memo around it) was drawn
 * with: "fresh" with new points, "stale" with the points it already had (wasted work: recharts files its
 * props in its store again, and every chart selector runs).
 *
 * A string, not a function: tsx (the bench) compiles functions with helpers the page does not have.
 */
const COUNTER = `(() => {
  const UPDATE = 4;
  const drawn = {};
  const chartDraws = { fresh: 0, stale: 0 };
  let lastProps;
  let lastPoints;
  const chart = (props) => {
    if (props === lastProps) return;
    if (props.points === lastPoints) chartDraws.stale++;
    else chartDraws.fresh++;
    lastProps = props;
    lastPoints = props.points;
  };
  const walk = (fiber, part, inFrame, inLine) => {
    for (let f = fiber; f; f = f.sibling) {
      let p = part, frame = inFrame, line = inLine;
      if (typeof f.type === 'string') {
        const props = f.memoizedProps || {};
        const cls = typeof props.className === 'string' ? props.className : '';
        if (f.type === 'section' && typeof props['aria-labelledby'] === 'string') p = props['aria-labelledby'];
        if (cls.includes('item-header')) p = 'item-header';
        if (cls.includes('app-header')) p = 'app-header';
        if (f.type === 'details' && cls.includes('notes')) p = 'notes';
        if (cls.includes('recharts-wrapper')) frame = true;
        if (cls.includes('cpu-line-layer')) line = true;
        if (f.flags & UPDATE) {
          const where = frame && !line ? 'chart frame' : p;
          drawn[where] = (drawn[where] || 0) + 1;
        }
      } else if (typeof f.type === 'function' && f.memoizedProps && 'points' in f.memoizedProps && 'threshold' in f.memoizedProps)
        chart(f.memoizedProps);
      if (f.child && (!f.alternate || f.child !== f.alternate.child)) walk(f.child, p, frame, line);
    }
  };
  window.__launchwatchRedrawn = drawn;
  window.__launchwatchChartDraws = chartDraws;
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => undefined,
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
    onCommitFiberRoot: (_id, root) => walk(root.current.child, 'outside', false, false),
  };
})();`;

/** Counts from the page's next load on (call before goto). */
export async function countRedrawnElements(page: Page): Promise<void> {
  await page.addInitScript({ content: COUNTER });
}

/** Elements made again since the page loaded, by part of the page. */
export async function redrawnElements(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => ({
    ...(window as unknown as { __launchwatchRedrawn?: Record<string, number> }).__launchwatchRedrawn,
  }));
}

/** The CPU chart's draws since the page loaded: with new points, and with the ones it already had. */
export async function chartDraws(page: Page): Promise<{ fresh: number; stale: number }> {
  return page.evaluate(() => ({
    ...(window as unknown as { __launchwatchChartDraws: { fresh: number; stale: number } }).__launchwatchChartDraws,
  }));
}

/** Elements made again between two counts, in all parts or in one. */
export function redrawnBetween(start: Record<string, number>, end: Record<string, number>, part?: string): number {
  const parts = part === undefined ? Object.keys(end) : [part];
  return parts.reduce((sum, p) => sum + (end[p] ?? 0) - (start[p] ?? 0), 0);
}
