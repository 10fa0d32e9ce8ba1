// Membership of each component in one SBOM: direct (depth 1) / transitive, with one shortest path.
import type { Inventory, Membership } from './inventory.ts';

/**
 * BFS from the subject over `inv.edges`, visiting edges in document order so `parentRef` (the
 * predecessor on one shortest path) is deterministic. Cycles are harmless: each ref is visited once.
 *
 * When the subject has no edges of its own other than nesting (e.g. a CycloneDX BOM without
 * `dependencies`), every top-level component — and every component nested directly in the
 * subject — is taken as direct, and the BFS continues from them (nesting edges give nested
 * components their depth). Without a subject nothing is reachable: all depths are null.
 */
export function computeMemberships(inv: Inventory): Membership[] {
  const adj = new Map<string, string[]>();
  for (const [from, to] of inv.edges) {
    let list = adj.get(from);
    if (!list) adj.set(from, (list = []));
    list.push(to);
  }
  const subjectRef = inv.subject?.ref;
  const depth = new Map<string, number>();
  const parent = new Map<string, string>();
  const queue: string[] = [];

  if (subjectRef !== undefined) {
    const nestedInSubject = new Set(inv.components.filter((c) => c.nestedIn === subjectRef).map((c) => c.ref));
    const own = adj.get(subjectRef) ?? [];
    depth.set(subjectRef, 0);
    if (own.some((to) => !nestedInSubject.has(to))) {
      queue.push(subjectRef);
    } else {
      for (const c of inv.components) {
        if ((c.nestedIn === undefined || c.nestedIn === subjectRef) && !depth.has(c.ref)) {
          depth.set(c.ref, 1);
          queue.push(c.ref);
        }
      }
    }
  }

  for (let head = 0; head < queue.length; head++) {
    const cur = queue[head]!;
    const d = depth.get(cur)!;
    for (const next of adj.get(cur) ?? []) {
      if (depth.has(next)) continue;
      depth.set(next, d + 1);
      if (cur !== subjectRef) parent.set(next, cur);
      queue.push(next);
    }
  }

  return inv.components.map((c) => {
    const d = depth.get(c.ref);
    const m: Membership = { ref: c.ref, direct: d === 1, depth: d ?? null };
    const p = parent.get(c.ref);
    if (p !== undefined && d !== undefined && d > 1) m.parentRef = p;
    return m;
  });
}
