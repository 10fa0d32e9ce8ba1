// Pure: turns a document's graph, as a parser emits it, into the rows the graph stores. Components
// are keyed by canonical purl (or by name for components without a usable purl); duplicates within
// one SBOM collapse into one membership (direct if any occurrence is direct, the shallowest path
// wins).
//
// Memory is what shapes this module: a 50 MB SBOM has 100k components and 250k edges. The
// assembler keeps refs and rows as integers and hands component rows out in batches (takeRows) as
// they accumulate, so the caller can write them and let them go; what stays is one map entry per
// ref and per distinct row key, plus typed arrays.
import type { Finding, Inventory, InventoryComponent, InventorySink, InventorySubject } from '../sbom/inventory.ts';
import { computeRefDepths } from '../sbom/membership.ts';
import { IntList } from '../sbom/int-list.ts';
import { canonicalizePurl, versionSortKey } from '../purl/index.ts';
import { SbomError } from '../sbom/errors.ts';

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

function qualifierString(q: Record<string, string>): string | null {
  const keys = Object.keys(q).sort();
  return keys.length ? keys.map((k) => `${k}=${q[k]}`).join('&') : null;
}

/**
 * The most UTF-8 bytes an indexed component value may take. PostgreSQL's B-tree holds at most
 * 2,704 bytes per entry (less once other columns share it), and a component is found by its key,
 * package and version, and name; a value that cannot be indexed cannot be stored at all.
 */
const MAX_INDEXED_BYTES = 2000;

/** Refuses a row whose indexed values are too long to store, naming the component. */
function checkIndexable(row: ComponentRow, ref: string, pointer: string | undefined): ComponentRow {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: values that short (all real ones) are not measured.
  // No rest arrays: this runs for every component of every SBOM.
  const upper = (s: string | null) => (s === null ? 0 : s.length * 3);
  const exact = (s: string | null) => (s === null ? 0 : Buffer.byteLength(s));
  const tooLong = (a: string | null, b: string | null = null) =>
    upper(a) + upper(b) > MAX_INDEXED_BYTES && exact(a) + exact(b) > MAX_INDEXED_BYTES;
  const over = tooLong(row.key) ? 'its purl or name and version'
    : tooLong(row.packageKey, row.versionKey) ? 'its package and version'
      : tooLong(row.name) ? 'its name' : undefined;
  if (over) {
    // Refused, not skipped: a where-used search must not silently miss a component.
    throw new SbomError('SBOM_INVALID', `component ${JSON.stringify(ref.slice(0, 100))}: ${over} take more than ${MAX_INDEXED_BYTES} bytes, which cannot be indexed`, pointer);
  }
  return row;
}

export function componentRow(c: Pick<InventoryComponent, 'name' | 'group' | 'version' | 'purl' | 'ref'>, findings: Finding[], pointer?: string): ComponentRow {
  return checkIndexable(buildRow(c, findings, pointer), c.ref, pointer);
}

function buildRow(c: Pick<InventoryComponent, 'name' | 'group' | 'version' | 'purl' | 'ref'>, findings: Finding[], pointer?: string): ComponentRow {
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

/** The SBOM's memberships and edges over row indices (the order rows were handed out by takeRows). */
export interface AssembledGraph {
  rowCount: number;
  /** The subject's row, or -1 (no subject, or one without a name or purl). */
  rootRow: number;
  /** One membership per row except the root: row, direct, depth (-1: unreachable), parent row (-1: none). */
  members: { row: Int32Array; direct: Uint8Array; depth: Int32Array; parent: Int32Array };
  /** Distinct row → row edges. */
  edges: { from: Int32Array; to: Int32Array };
}

export class SbomAssembler implements InventorySink {
  readonly findings: Finding[] = [];
  readonly #refIndex = new Map<string, number>();
  /** Per ref: its row, or -1 (edge-only refs, a subject without a row). */
  readonly #refRow = new IntList();
  readonly #nestedIn = new IntList();
  readonly #components = new IntList();
  readonly #edgeFrom = new IntList();
  readonly #edgeTo = new IntList();
  readonly #rowOfKey = new Map<string, number>();
  #pending: ComponentRow[] = [];
  #rows = 0;
  #subjectRef = -1;
  #rootRow = -1;

  get rowCount(): number {
    return this.#rows;
  }

  get pendingRows(): number {
    return this.#pending.length;
  }

  /** The rows created since the last call, in row-index order. */
  takeRows(): ComponentRow[] {
    const rows = this.#pending;
    this.#pending = [];
    return rows;
  }

  subject(s: InventorySubject): void {
    if (s.ref !== undefined) this.#subjectRef = this.#ref(s.ref);
    if (!s.name && !s.purl) return;
    const row = componentRow({ ref: s.ref ?? '(subject)', name: s.name ?? '', version: s.version, purl: s.purl }, this.findings, s.pointer);
    if (!row.name) return;
    this.#rootRow = this.#row(row);
    if (this.#subjectRef >= 0) this.#refRow.set(this.#subjectRef, this.#rootRow);
  }

  component(c: InventoryComponent): void {
    const r = this.#ref(c.ref);
    if (c.nestedIn !== undefined) this.#nestedIn.set(r, this.#ref(c.nestedIn));
    this.#components.push(r);
    this.#refRow.set(r, this.#row(componentRow(c, this.findings, c.pointer)));
  }

  edge(from: string, to: string): void {
    this.#edgeFrom.push(this.#ref(from));
    this.#edgeTo.push(this.#ref(to));
  }

  /** The graph over rows. Call once, after every row was taken: it releases the ref and key maps. */
  finish(): AssembledGraph {
    const rows = this.rowCount;
    const refRow = this.#refRow.view();
    const { depth, parent } = computeRefDepths({
      refCount: this.#refIndex.size, components: this.#components.view(), nestedIn: this.#nestedIn.view(),
      edgeFrom: this.#edgeFrom.view(), edgeTo: this.#edgeTo.view(), subject: this.#subjectRef,
    });
    const root = this.#rootRow;
    // Per row; -2 marks "not a member yet".
    const mDepth = new Int32Array(rows).fill(-2);
    const mDirect = new Uint8Array(rows);
    const mParent = new Int32Array(rows).fill(-1);
    for (const r of this.#components.view()) {
      const row = refRow[r]!;
      if (row === root) continue;
      const d = depth[r]!;
      const p = d > 1 ? parent[r]! : -1;
      let parentRow = p >= 0 ? refRow[p]! : -1;
      if (parentRow === row) parentRow = -1;
      if (mDepth[row] === -2) {
        mDepth[row] = d;
        mDirect[row] = d === 1 ? 1 : 0;
        mParent[row] = parentRow;
        continue;
      }
      if (d === 1) mDirect[row] = 1;
      if (d !== -1 && (mDepth[row] === -1 || d < mDepth[row]!)) {
        mDepth[row] = d;
        mParent[row] = parentRow;
      }
    }
    const count = root >= 0 && mDepth[root] === -2 ? rows - 1 : rows;
    const members = { row: new Int32Array(count), direct: new Uint8Array(count), depth: new Int32Array(count), parent: new Int32Array(count) };
    let m = 0;
    for (let row = 0; row < rows; row++) {
      if (mDepth[row] === -2) continue;
      members.row[m] = row;
      members.direct[m] = mDirect[row]!;
      members.depth[m] = mDepth[row]!;
      members.parent[m] = mParent[row]!;
      m++;
    }
    // The maps from refs and keys are the largest things a big SBOM leaves here, and nothing
    // needs them once the graph is in rows: let them go before the SQL phase allocates.
    this.#refIndex.clear();
    this.#rowOfKey.clear();
    return { rowCount: rows, rootRow: root, members: { row: members.row.subarray(0, m), direct: members.direct.subarray(0, m), depth: members.depth.subarray(0, m), parent: members.parent.subarray(0, m) }, edges: this.#rowEdges(refRow, rows) };
  }

  /** Ref edges mapped to rows, de-duplicated by sorting pair codes (row pairs fit a double exactly). */
  #rowEdges(refRow: Int32Array, rows: number): AssembledGraph['edges'] {
    const from = this.#edgeFrom.view();
    const to = this.#edgeTo.view();
    const codes = new Float64Array(from.length);
    let n = 0;
    for (let k = 0; k < from.length; k++) {
      const a = refRow[from[k]!]!;
      const b = refRow[to[k]!]!;
      if (a >= 0 && b >= 0) codes[n++] = a * rows + b;
    }
    const sorted = codes.subarray(0, n).sort();
    const out = { from: new Int32Array(n), to: new Int32Array(n) };
    let e = 0;
    for (let k = 0; k < n; k++) {
      const c = sorted[k]!;
      if (k > 0 && c === sorted[k - 1]) continue;
      out.from[e] = Math.floor(c / rows);
      out.to[e] = c % rows;
      e++;
    }
    return { from: out.from.subarray(0, e), to: out.to.subarray(0, e) };
  }

  #ref(ref: string): number {
    let i = this.#refIndex.get(ref);
    if (i === undefined) {
      i = this.#refIndex.size;
      this.#refIndex.set(ref, i);
      this.#refRow.push(-1);
      this.#nestedIn.push(-1);
    }
    return i;
  }

  #row(row: ComponentRow): number {
    const existing = this.#rowOfKey.get(row.key);
    if (existing !== undefined) return existing;
    // The canonical purl is built by concatenation: a V8 rope of a dozen pieces, ~440 bytes for a
    // 40-character key. Reading a character makes V8 flatten it in place (~90 bytes), which is
    // what a map holding 100k keys for the whole ingest should keep.
    row.key.charCodeAt(0);
    const i = this.#rows++;
    this.#rowOfKey.set(row.key, i);
    this.#pending.push(row);
    return i;
  }
}

/** Feeds a whole Inventory (XML, SPDX, attestation predicates) to an assembler. */
export function assembleInventory(inv: Inventory, into: SbomAssembler = new SbomAssembler()): SbomAssembler {
  if (inv.subject) into.subject(inv.subject);
  for (const c of inv.components) into.component(c);
  for (const [from, to] of inv.edges) into.edge(from, to);
  return into;
}
