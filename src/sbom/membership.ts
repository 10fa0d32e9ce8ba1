// Membership of each component in one SBOM: direct (depth 1) / transitive, with one shortest path.
import type { Inventory, Membership } from './inventory.ts';

/** A document's graph over integer refs 0..refCount-1 (components, the subject, edge-only refs). */
export interface RefGraph {
  refCount: number;
  /** Component refs in document order. */
  components: Int32Array;
  /** Per ref: the ref it is nested in (CycloneDX components[].components), or -1. */
  nestedIn: Int32Array;
  /** Edges in document order: edgeFrom[k] → edgeTo[k]. */
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  /** The subject's ref, or -1. */
  subject: number;
}

/** Per ref: shortest distance from the subject (-1: unreachable) and the predecessor on one shortest path (-1: none, or depth ≤ 1). */
export interface RefDepths { depth: Int32Array; parent: Int32Array }

/**
 * BFS from the subject, visiting edges in document order so `parent` (the predecessor on one
 * shortest path) is deterministic. Cycles are harmless: each ref is visited once.
 *
 * When the subject has no edges of its own other than nesting (e.g. a CycloneDX BOM without
 * `dependencies`), every top-level component — and every component nested directly in the
 * subject — is taken as direct, and the BFS continues from them (nesting edges give nested
 * components their depth). Without a subject nothing is reachable.
 */
export function computeRefDepths(g: RefGraph): RefDepths {
  const n = g.refCount;
  // Adjacency in compressed form (offsets + targets), each ref's edges kept in document order.
  const offsets = new Int32Array(n + 1);
  for (let k = 0; k < g.edgeFrom.length; k++) offsets[g.edgeFrom[k]! + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(g.edgeFrom.length);
  for (let k = 0; k < g.edgeFrom.length; k++) targets[fill[g.edgeFrom[k]!]!++] = g.edgeTo[k]!;

  const depth = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let tail = 0;
  const s = g.subject;
  if (s >= 0) {
    depth[s] = 0;
    let ownNonNesting = false;
    for (let k = offsets[s]!; k < offsets[s + 1]!; k++) if (g.nestedIn[targets[k]!] !== s) ownNonNesting = true;
    if (ownNonNesting) {
      queue[tail++] = s;
    } else {
      for (const c of g.components) {
        const nest = g.nestedIn[c]!;
        if ((nest === -1 || nest === s) && depth[c] === -1) {
          depth[c] = 1;
          queue[tail++] = c;
        }
      }
    }
  }
  for (let head = 0; head < tail; head++) {
    const cur = queue[head]!;
    const d = depth[cur]!;
    for (let k = offsets[cur]!; k < offsets[cur + 1]!; k++) {
      const next = targets[k]!;
      if (depth[next] !== -1) continue;
      depth[next] = d + 1;
      if (cur !== s) parent[next] = cur;
      queue[tail++] = next;
    }
  }
  return { depth, parent };
}

/** computeRefDepths for a whole Inventory, per component in document order. */
export function computeMemberships(inv: Inventory): Membership[] {
  const index = new Map<string, number>();
  const refs: string[] = [];
  const id = (ref: string) => {
    let i = index.get(ref);
    if (i === undefined) {
      index.set(ref, (i = refs.length));
      refs.push(ref);
    }
    return i;
  };
  const components = Int32Array.from(inv.components, (c) => id(c.ref));
  const subject = inv.subject?.ref !== undefined ? id(inv.subject.ref) : -1;
  const edgeFrom = Int32Array.from(inv.edges, ([f]) => id(f));
  const edgeTo = Int32Array.from(inv.edges, ([, t]) => id(t));
  const nestedIn = new Int32Array(refs.length + inv.components.length).fill(-1);
  inv.components.forEach((c, i) => { if (c.nestedIn !== undefined) nestedIn[components[i]!] = id(c.nestedIn); });
  const { depth, parent } = computeRefDepths({ refCount: refs.length, components, nestedIn, edgeFrom, edgeTo, subject });
  return inv.components.map((c, i) => {
    const r = components[i]!;
    const d = depth[r]!;
    const m: Membership = { ref: c.ref, direct: d === 1, depth: d === -1 ? null : d };
    if (d > 1 && parent[r]! >= 0) m.parentRef = refs[parent[r]!]!;
    return m;
  });
}
