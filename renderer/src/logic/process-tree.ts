// An item's processes as a tree (launcher first, each child under its parent), for the item page.

export interface TreeProcess {
  pid: number;
  ppid: number;
}

/**
 * Depth-first from the processes whose parent is not among them; cycles and repeats are cut. With a
 * stack, not recursion: a chain of thousands of shells, each the parent of the next, is one fork loop.
 */
export function processTree<P extends TreeProcess>(processes: P[]): { process: P; depth: number }[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const children = new Map<number, P[]>();
  for (const p of processes) {
    if (p.ppid === p.pid || !byPid.has(p.ppid)) continue;
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p);
    else children.set(p.ppid, [p]);
  }
  const byPidOrder = (a: P, b: P): number => a.pid - b.pid;
  const roots = processes.filter((p) => p.ppid === p.pid || !byPid.has(p.ppid));
  const out: { process: P; depth: number }[] = [];
  const seen = new Set<number>();
  const visit = (start: P): void => {
    const pending: { process: P; depth: number }[] = [{ process: start, depth: 0 }];
    while (pending.length > 0) {
      const next = pending.pop() as { process: P; depth: number };
      if (seen.has(next.process.pid)) continue;
      seen.add(next.process.pid);
      out.push(next);
      const kids = (children.get(next.process.pid) ?? []).sort(byPidOrder);
      for (let i = kids.length - 1; i >= 0; i--) pending.push({ process: kids[i] as P, depth: next.depth + 1 });
    }
  };
  for (const root of roots.sort(byPidOrder)) visit(root);
  // A loop of parents (pid reuse between samples) has no root: shown flat, nothing dropped.
  for (const p of processes) if (!seen.has(p.pid)) visit(p);
  return out;
}
