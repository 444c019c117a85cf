// An item's processes as a tree (launcher first, each child under its parent), for the item page.

export interface TreeProcess {
  pid: number;
  ppid: number;
}

/** Depth-first from the processes whose parent is not among them; cycles and repeats are cut. */
export function processTree<P extends TreeProcess>(processes: P[]): { process: P; depth: number }[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const children = new Map<number, P[]>();
  for (const p of processes) {
    if (p.ppid === p.pid || !byPid.has(p.ppid)) continue;
    children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  }
  const roots = processes.filter((p) => p.ppid === p.pid || !byPid.has(p.ppid));
  const out: { process: P; depth: number }[] = [];
  const seen = new Set<number>();
  const visit = (p: P, depth: number) => {
    if (seen.has(p.pid)) return;
    seen.add(p.pid);
    out.push({ process: p, depth });
    for (const child of (children.get(p.pid) ?? []).sort((a, b) => a.pid - b.pid)) visit(child, depth + 1);
  };
  for (const root of roots.sort((a, b) => a.pid - b.pid)) visit(root, 0);
  // A loop of parents (pid reuse between samples) has no root: shown flat, nothing dropped.
  for (const p of processes) if (!seen.has(p.pid)) visit(p, 0);
  return out;
}
