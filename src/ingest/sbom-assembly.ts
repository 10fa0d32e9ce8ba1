// Pure: turns a parsed Inventory into the rows the graph stores. Components are keyed by canonical
// purl (or by name for components without a usable purl); duplicates within one SBOM collapse into
// one membership (direct if any occurrence is direct, the shallowest path wins).
import type { Finding, Inventory, InventoryComponent, Membership } from '../sbom/inventory.ts';
import { canonicalizePurl, versionSortKey } from '../purl/index.ts';

export interface ComponentRow {
  key: string;
  purl: string | null;
  packageKey: string | null;
  type: string | null;
  namespace: string | null;
  name: string;
  version: string | null;
  qualifiers: string | null;
  versionKey: string | null;
}

export interface MembershipRow { key: string; direct: boolean; depth: number | null; parentKey: string | null }

export interface AssembledSbom {
  components: ComponentRow[];
  rootKey?: string;
  memberships: MembershipRow[];
  edges: Array<[string, string]>;
  findings: Finding[];
}

function qualifierString(q: Record<string, string>): string | null {
  const keys = Object.keys(q).sort();
  return keys.length ? keys.map((k) => `${k}=${q[k]}`).join('&') : null;
}

export function componentRow(c: Pick<InventoryComponent, 'name' | 'group' | 'version' | 'purl' | 'ref'>, findings: Finding[], pointer?: string): ComponentRow {
  if (c.purl) {
    try {
      const p = canonicalizePurl(c.purl);
      return {
        key: p.purl,
        purl: p.purl,
        packageKey: p.packageKey,
        type: p.type,
        namespace: p.namespace,
        name: p.name,
        version: p.version,
        qualifiers: qualifierString(p.qualifiers),
        versionKey: p.version === null ? null : versionSortKey(p.type, p.version) ?? null,
      };
    } catch (err) {
      findings.push({ code: 'PURL_INVALID', message: `component ${JSON.stringify(c.ref)}: purl ${JSON.stringify(c.purl)} is malformed (${(err as Error).message}); kept by name`, pointer });
    }
  }
  const name = c.group ? `${c.group}/${c.name}` : c.name;
  const version = c.version ?? null;
  return {
    key: `name:${name.toLowerCase()}@${version ?? ''}`,
    purl: null, packageKey: null, type: null, namespace: c.group ?? null,
    name: c.name, version, qualifiers: null, versionKey: null,
  };
}

export function assembleSbom(inv: Inventory, memberships: Membership[]): AssembledSbom {
  const findings: Finding[] = [];
  const byKey = new Map<string, ComponentRow>();
  const keyOfRef = new Map<string, string>();

  let rootKey: string | undefined;
  if (inv.subject && (inv.subject.name || inv.subject.purl)) {
    const row = componentRow({ ref: inv.subject.ref ?? '(subject)', name: inv.subject.name ?? '', version: inv.subject.version, purl: inv.subject.purl }, findings, inv.subject.pointer);
    if (row.name) {
      byKey.set(row.key, row);
      rootKey = row.key;
      if (inv.subject.ref) keyOfRef.set(inv.subject.ref, row.key);
    }
  }
  for (const c of inv.components) {
    const row = componentRow(c, findings, c.pointer);
    if (!byKey.has(row.key)) byKey.set(row.key, row);
    keyOfRef.set(c.ref, row.key);
  }

  const member = new Map<string, MembershipRow>();
  for (const m of memberships) {
    const key = keyOfRef.get(m.ref);
    if (!key || key === rootKey) continue;
    const parentKey = m.parentRef ? keyOfRef.get(m.parentRef) ?? null : null;
    const prior = member.get(key);
    if (!prior) {
      member.set(key, { key, direct: m.direct, depth: m.depth, parentKey: parentKey === key ? null : parentKey });
      continue;
    }
    prior.direct ||= m.direct;
    if (m.depth !== null && (prior.depth === null || m.depth < prior.depth)) {
      prior.depth = m.depth;
      prior.parentKey = parentKey === key ? null : parentKey;
    }
  }
  // Every component is a member even if the graph does not reach it.
  for (const c of inv.components) {
    const key = keyOfRef.get(c.ref)!;
    if (key !== rootKey && !member.has(key)) member.set(key, { key, direct: false, depth: null, parentKey: null });
  }

  // Dedupe edges on integer pairs rather than concatenated key strings (a 100k-component SBOM
  // has hundreds of thousands of edges).
  const indexOfKey = new Map<string, number>();
  let next = 0;
  for (const k of byKey.keys()) indexOfKey.set(k, next++);
  const edgeSet = new Set<number>();
  const edges: Array<[string, string]> = [];
  for (const [from, to] of inv.edges) {
    const a = keyOfRef.get(from);
    const b = keyOfRef.get(to);
    if (!a || !b) continue;
    const k = indexOfKey.get(a)! * next + indexOfKey.get(b)!;
    if (edgeSet.has(k)) continue;
    edgeSet.add(k);
    edges.push([a, b]);
  }
  return { components: [...byKey.values()], rootKey, memberships: [...member.values()], edges, findings };
}
