// Shared by the SPDX JSON and tag-value parsers: a small document model → Inventory.
// Spec: SPDX 2.3 https://spdx.github.io/spdx-spec/v2.3/ — packages (clause 7), relationships
// (clause 11, table 11.1 gives the direction of every relationship type).
import type { Inventory, InventoryComponent, InventorySubject } from './inventory.ts';
import { SbomError } from './errors.ts';
import { FindingSink, RefAllocator, normalizeHashAlg, normalizeHex, purlName, type Ptr } from './util.ts';

type Loc = Ptr | string;

export interface SpdxRawPackage {
  at: Loc;
  fieldAt: (field: string) => Loc;
  id: unknown;
  name: unknown;
  version: unknown;
  /** externalRefs already filtered to referenceType purl / category PACKAGE-MANAGER. */
  purls: Array<{ locator: unknown; at: Loc }>;
  checksums: Array<{ alg: unknown; value: unknown; at: Loc }>;
}

export interface SpdxRawRelationship {
  a: unknown;
  type: unknown;
  b: unknown;
  at: Loc;
}

export interface SpdxModel {
  spdxVersion: unknown;
  name: unknown;
  namespace: unknown;
  documentId: string;
  packages: SpdxRawPackage[];
  /** SPDXIDs of files and snippets: valid relationship ends, but not components. */
  nonPackageIds: Set<string>;
  relationships: SpdxRawRelationship[];
  /** SPDX 2.2 JSON `documentDescribes` (clause 6 in 2.2; replaced by DESCRIBES relationships in 2.3). */
  documentDescribes: Array<{ id: unknown; at: Loc }>;
}

export const SPDX_SUPPORTED_VERSIONS = ['2.2', '2.3'] as const;

/** How each relationship type becomes an edge (parent → child = "depends on / contains"). */
type Direction = 'forward' | 'reverse' | 'describes' | 'described-by' | 'ignore';
// SPDX 2.3 clause 11.1: "A DEPENDENCY_OF B" means A is a dependency of B, so the edge is B → A.
const RELATIONSHIPS: Record<string, Direction> = {
  CONTAINS: 'forward',
  DEPENDS_ON: 'forward',
  HAS_PREREQUISITE: 'forward',
  DYNAMIC_LINK: 'forward',
  STATIC_LINK: 'forward',
  CONTAINED_BY: 'reverse',
  DEPENDENCY_OF: 'reverse',
  DEV_DEPENDENCY_OF: 'reverse',
  BUILD_DEPENDENCY_OF: 'reverse',
  RUNTIME_DEPENDENCY_OF: 'reverse',
  OPTIONAL_DEPENDENCY_OF: 'reverse',
  PROVIDED_DEPENDENCY_OF: 'reverse',
  TEST_DEPENDENCY_OF: 'reverse',
  PREREQUISITE_FOR: 'reverse',
  OPTIONAL_COMPONENT_OF: 'reverse',
  DESCRIBES: 'describes',
  DESCRIBED_BY: 'described-by',
  // Known types that are not membership (tooling, provenance, files, documentation, variants).
  AMENDS: 'ignore',
  ANCESTOR_OF: 'ignore',
  BUILD_TOOL_OF: 'ignore',
  COPY_OF: 'ignore',
  DATA_FILE_OF: 'ignore',
  DEPENDENCY_MANIFEST_OF: 'ignore',
  DESCENDANT_OF: 'ignore',
  DEV_TOOL_OF: 'ignore',
  DISTRIBUTION_ARTIFACT: 'ignore',
  DOCUMENTATION_OF: 'ignore',
  EXAMPLE_OF: 'ignore',
  EXPANDED_FROM_ARCHIVE: 'ignore',
  FILE_ADDED: 'ignore',
  FILE_DELETED: 'ignore',
  FILE_MODIFIED: 'ignore',
  GENERATED_FROM: 'ignore',
  GENERATES: 'ignore',
  METAFILE_OF: 'ignore',
  OTHER: 'ignore',
  PACKAGE_OF: 'ignore',
  PATCH_APPLIED: 'ignore',
  PATCH_FOR: 'ignore',
  REQUIREMENT_DESCRIPTION_FOR: 'ignore',
  SPECIFICATION_FOR: 'ignore',
  TEST_CASE_OF: 'ignore',
  TEST_OF: 'ignore',
  TEST_TOOL_OF: 'ignore',
  VARIANT_OF: 'ignore',
};

/** "SPDX-2.3" → "2.3"; throws SBOM_UNSUPPORTED_VERSION otherwise. */
export function toSpdxVersion(v: unknown, at: string): string {
  const m = typeof v === 'string' ? /^SPDX-(\d+\.\d+)$/.exec(v.trim()) : null;
  const version = m?.[1];
  if (!version || !(SPDX_SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
    throw new SbomError(
      'SBOM_UNSUPPORTED_VERSION',
      `SPDX version ${JSON.stringify(v)} is not supported (SPDX-${SPDX_SUPPORTED_VERSIONS.join(', SPDX-')})`,
      at,
    );
  }
  return version;
}

export function buildSpdxInventory(m: SpdxModel, encoding: 'json' | 'tag-value', specVersion: string, sink: FindingSink): Inventory {
  const refs = new RefAllocator();
  const byId = new Map<string, InventoryComponent>();
  const all: Array<{ comp: InventoryComponent; id: string | undefined }> = [];
  let generated = 0;

  for (const p of m.packages) {
    const id = typeof p.id === 'string' && p.id !== '' ? p.id : undefined;
    if (id === undefined) sink.add('MISSING_FIELD', 'package has no SPDXID; a ref was generated', p.at);
    let ref: string;
    if (id === undefined) ref = refs.claim(`attestant:generated:${++generated}`);
    else if (byId.has(id)) {
      ref = refs.claim(`${id}#dup`);
      sink.add('DUPLICATE_REF', `SPDXID ${id} is used more than once; renamed to ${ref}`, p.fieldAt('SPDXID'));
    } else ref = refs.claim(id);

    let purl: string | undefined;
    for (const x of p.purls) {
      if (typeof x.locator !== 'string') sink.add('INVALID_FIELD', 'purl referenceLocator is not a string', x.at);
      else if (purl === undefined) purl = x.locator; // verbatim: the caller canonicalises and reports
    }
    let name = typeof p.name === 'string' ? p.name : undefined;
    if (p.name !== undefined && name === undefined) sink.add('INVALID_FIELD', 'name is not a string; ignored', p.fieldAt('name'));
    if (!name) {
      name = (purl && purlName(purl)) || id || ref;
      sink.add('MISSING_FIELD', `package has no name; using ${JSON.stringify(name)}`, p.at);
    }
    const comp: InventoryComponent = { ref, name, hashes: [] };
    if (typeof p.version === 'string' && p.version !== '') comp.version = p.version;
    else if (p.version !== undefined && typeof p.version !== 'string') sink.add('INVALID_FIELD', 'versionInfo is not a string; ignored', p.fieldAt('versionInfo'));
    if (purl !== undefined) comp.purl = purl;
    for (const c of p.checksums) {
      if (typeof c.alg !== 'string' || typeof c.value !== 'string') {
        sink.add('INVALID_FIELD', 'checksum algorithm/value is not a string; ignored', c.at);
        continue;
      }
      const value = normalizeHex(c.value);
      if (value === undefined) sink.add('INVALID_HASH', 'checksum value is not hexadecimal; ignored', c.at);
      else comp.hashes.push({ alg: normalizeHashAlg(c.alg), value });
    }
    if (id !== undefined && !byId.has(id)) byId.set(id, comp);
    all.push({ comp, id });
  }

  // The subject: what the document DESCRIBES (2.3 clause 6 / 11), or documentDescribes (2.2 JSON).
  const described: Array<{ id: string; at: Loc }> = [];
  for (const d of m.documentDescribes) {
    if (typeof d.id === 'string') described.push({ id: d.id, at: d.at });
    else sink.add('INVALID_FIELD', 'documentDescribes entry is not a string', d.at);
  }
  const edges: Array<[string, string]> = [];
  const edgeKeys = new Set<string>();
  const pending: Array<{ from: string; to: string; at: Loc }> = [];
  for (const r of m.relationships) {
    if (typeof r.a !== 'string' || typeof r.b !== 'string' || typeof r.type !== 'string') {
      sink.add('INVALID_FIELD', 'relationship is missing spdxElementId, relationshipType or relatedSpdxElement', r.at);
      continue;
    }
    const type = r.type.trim().toUpperCase();
    const dir = RELATIONSHIPS[type];
    switch (dir) {
      case undefined:
        sink.add('UNKNOWN_RELATIONSHIP', `relationship type ${type} is not an SPDX 2.3 type; ignored`, r.at);
        break;
      case 'forward':
        pending.push({ from: r.a, to: r.b, at: r.at });
        break;
      case 'reverse':
        pending.push({ from: r.b, to: r.a, at: r.at });
        break;
      case 'describes':
        if (r.a === m.documentId) described.push({ id: r.b, at: r.at });
        break;
      case 'described-by':
        if (r.b === m.documentId) described.push({ id: r.a, at: r.at });
        break;
      case 'ignore':
        break;
      default: {
        const never: never = dir;
        throw new Error(`unhandled direction ${String(never)}`);
      }
    }
  }

  let subject: InventorySubject | undefined;
  const seen = new Set<string>();
  const describedPackages = described.filter((d) => {
    if (seen.has(d.id)) return false;
    seen.add(d.id);
    return byId.has(d.id);
  });
  const first = describedPackages[0];
  const extraRootEdges: Array<[string, string]> = [];
  if (first && describedPackages.length > 1) {
    // Several described packages: none of them is "the" subject. The document itself becomes the
    // root and every described package a direct component, so none is lost to where-used search.
    sink.add('MULTIPLE_DESCRIBED', `document describes ${describedPackages.length} packages; the document is taken as the root`, describedPackages[1]!.at);
    const rootRef = m.documentId ?? 'SPDXRef-DOCUMENT';
    subject = { ref: rootRef, name: typeof m.name === 'string' && m.name ? m.name : rootRef, digests: [] };
    for (const d of describedPackages) {
      const c = byId.get(d.id);
      if (c) extraRootEdges.push([rootRef, c.ref]);
    }
  } else if (first) {
    const comp = byId.get(first.id)!;
    subject = { ref: comp.ref, name: comp.name, digests: [] };
    if (comp.version !== undefined) subject.version = comp.version;
    if (comp.purl !== undefined) subject.purl = comp.purl;
    for (const h of comp.hashes) if (h.alg === 'sha256' && h.value.length === 64) subject.digests.push(`sha256:${h.value}`);
  }

  const resolve = (id: string, at: Loc): string | undefined => {
    const c = byId.get(id);
    if (c) return c.ref;
    // Files, snippets, the document itself, NONE/NOASSERTION: legitimate ends that are not components.
    if (!m.nonPackageIds.has(id) && id !== m.documentId && id !== 'NONE' && id !== 'NOASSERTION') {
      sink.add('DANGLING_REF', `relationship refers to unknown element ${id}`, at);
    }
    return undefined;
  };
  for (const e of pending) {
    const from = resolve(e.from, e.at);
    const to = resolve(e.to, e.at);
    if (from === undefined || to === undefined) continue;
    const key = `${from}\u0000${to}`;
    if (edgeKeys.has(key)) continue;
    edgeKeys.add(key);
    edges.push([from, to]);
  }

  for (const [from, to] of extraRootEdges) {
    const key = `${from}\u0000${to}`;
    if (!edgeKeys.has(key)) {
      edgeKeys.add(key);
      edges.push([from, to]);
    }
  }

  const inv: Inventory = {
    format: 'spdx',
    encoding,
    specVersion,
    components: all.filter((x) => x.comp.ref !== subject?.ref).map((x) => x.comp),
    edges,
    findings: sink.done(),
  };
  if (typeof m.name === 'string') inv.name = m.name;
  // documentNamespace is the SPDX document's unique URI (clause 6.5), the analogue of serialNumber.
  if (typeof m.namespace === 'string') inv.serialNumber = m.namespace;
  if (subject) inv.subject = subject;
  return inv;
}
