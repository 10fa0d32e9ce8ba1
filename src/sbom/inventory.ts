// The plain graph data every SBOM parser produces. Pure data: no I/O, no database types.

export type SbomFormat = 'cyclonedx' | 'spdx';
export type SbomEncoding = 'json' | 'xml' | 'tag-value';

/** A schema or parse finding. `pointer` is a JSON pointer (JSON) or an element path (XML, tag-value line). */
export interface Finding {
  code: string;
  message: string;
  pointer?: string;
}

export interface InventoryComponent {
  /** bom-ref (CycloneDX), SPDXID (SPDX), or a generated ref unique within the document. */
  ref: string;
  name: string;
  group?: string;
  version?: string;
  /** The purl exactly as written in the document (not canonicalized). */
  purl?: string;
  /** Lower-case algorithm name (sha256, sha1, sha512, ...) and lower-case hex value. */
  hashes: Array<{ alg: string; value: string }>;
  type?: string;
  scope?: string;
  /**
   * Ref of the enclosing component when this one is nested inside another (CycloneDX
   * `components[].components`). Undefined for top-level components. Added so membership can tell
   * top-level components from nested ones when the document has no dependency graph.
   */
  nestedIn?: string;
  /** Where the component sits in the document (JSON pointer, XML element path, tag-value line), for findings. */
  pointer?: string;
}

export interface InventorySubject {
  ref?: string;
  name?: string;
  version?: string;
  purl?: string;
  /** `sha256:<hex>` digests found for the document's subject (metadata.component hashes, SPDX described package checksums). */
  digests: string[];
  /** Where the subject sits in the document, for findings. */
  pointer?: string;
}

export interface Inventory {
  format: SbomFormat;
  encoding: SbomEncoding;
  specVersion: string;
  serialNumber?: string;
  /** Document name (SPDX `name`, CycloneDX metadata.component name). */
  name?: string;
  subject?: InventorySubject;
  /** Every component except the subject itself. Nested components are flattened; their nesting becomes edges. */
  components: InventoryComponent[];
  /** Directed edges parent ref -> child ref ("parent depends on / contains child"). Refs may point to the subject's ref. */
  edges: Array<[string, string]>;
  /** Parse-level findings (duplicate bom-refs, dangling edges, unknown relationship types, ...). Never fatal. */
  findings: Finding[];
}

/** Membership of one component in one SBOM, derived from the inventory's graph. */
export interface Membership {
  ref: string;
  /** True when the component is a direct dependency of the subject (depth 1). */
  direct: boolean;
  /** Shortest distance from the subject; null when the component is not reachable from it. */
  depth: number | null;
  /** The ref one step closer to the subject on one shortest path; undefined for depth 1 or unreachable. */
  parentRef?: string;
}

/** An Inventory without its component list and edges: what a streaming parse keeps. */
export type InventoryHeader = Omit<Inventory, 'components' | 'edges'>;

/**
 * Receives a document's graph as the parser reads it, so a large document need not be held as one
 * Inventory: the subject first, then components and edges in document order. An edge's refs are
 * always refs the parser has emitted (or the subject's), except in SPDX, where relationships may
 * name elements that are not packages.
 */
export interface InventorySink {
  subject(s: InventorySubject): void;
  component(c: InventoryComponent): void;
  edge(from: string, to: string): void;
}

/** The sink behind the whole-document parsers: collects an Inventory, edges de-duplicated. */
export class InventoryCollector implements InventorySink {
  readonly components: InventoryComponent[] = [];
  readonly edges: Array<[string, string]> = [];
  readonly #edgeSeen = new Map<string, Set<string>>();
  subject(): void { /* the header carries the subject */ }
  component(c: InventoryComponent): void {
    this.components.push(c);
  }
  edge(from: string, to: string): void {
    let seen = this.#edgeSeen.get(from);
    if (!seen) this.#edgeSeen.set(from, (seen = new Set()));
    if (seen.has(to)) return;
    seen.add(to);
    this.edges.push([from, to]);
  }
  toInventory(header: InventoryHeader): Inventory {
    return { ...header, components: this.components, edges: this.edges };
  }
}
