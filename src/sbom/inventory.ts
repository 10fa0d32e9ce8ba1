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
