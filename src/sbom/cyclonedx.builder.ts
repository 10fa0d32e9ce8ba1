// Shared by the CycloneDX JSON and XML parsers: turns component/dependency records (already
// pulled out of either encoding) into an Inventory, with the tolerance rules in one place.
// CycloneDX model: https://cyclonedx.org/docs/1.6/json/ (metadata.component, components, dependencies).
import { InventoryCollector, type Inventory, type InventoryComponent, type InventoryHeader, type InventorySink, type InventorySubject } from './inventory.ts';
import { SbomError } from './errors.ts';
import {
  at,
  FindingSink,
  RefAllocator,
  normalizeHashAlg,
  normalizeHex,
  purlName,
  type Ptr,
} from './util.ts';

/** One component as read from the document; values are unchecked (the builder checks types). */
export interface CdxRawComponent {
  at: Ptr;
  ref: unknown;
  name: unknown;
  group: unknown;
  version: unknown;
  purl: unknown;
  type: unknown;
  scope: unknown;
  hashes: Array<{ alg: unknown; value: unknown; at: Ptr }>;
}

/** CycloneDX spec versions we parse; 1.0/1.1 have no bom-ref/dependencies graph worth ingesting. */
export const CDX_SUPPORTED_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7'] as const;

export class CdxInventoryBuilder {
  readonly sink: FindingSink;
  readonly #refs = new RefAllocator();
  /** Original bom-ref → assigned ref of its first occurrence (dependencies resolve through this). */
  readonly #byBomRef = new Map<string, string>();
  /** dependsOn entries naming a bom-ref not seen yet (dependencies[] before components[]). */
  readonly #deps: Array<{ ref: string; dependsOn: string; at: Ptr }> = [];
  /** The whole-document parsers collect here; a streaming ingest passes its own sink. */
  readonly #collector: InventoryCollector | undefined;
  readonly #out: InventorySink;
  #subject: InventorySubject | undefined;
  #subjectBomRef: string | undefined;
  #generated = 0;

  constructor(
    readonly encoding: 'json' | 'xml',
    readonly specVersion: string,
    readonly serialNumber: string | undefined,
    /** Pointer segment of a component field in this encoding ('bom-ref' vs '@bom-ref', ...). */
    readonly fieldSeg: (field: string) => string,
    out?: InventorySink,
  ) {
    this.sink = new FindingSink(encoding === 'json');
    this.#collector = out ? undefined : new InventoryCollector();
    this.#out = out ?? this.#collector!;
  }

  /** metadata.component: the thing the SBOM describes. Returns its ref (for nested children). */
  setSubject(raw: CdxRawComponent): string {
    const c = this.#read(raw, 'subject');
    this.#subjectBomRef = c.bomRef;
    const digests: string[] = [];
    for (const h of c.comp.hashes) if (h.alg === 'sha256' && h.value.length === 64) digests.push(`sha256:${h.value}`);
    this.#subject = { ref: c.comp.ref, name: c.comp.name, digests };
    if (c.comp.version !== undefined) this.#subject.version = c.comp.version;
    if (c.comp.purl !== undefined) this.#subject.purl = c.comp.purl;
    this.#out.subject(this.#subject);
    return c.comp.ref;
  }

  /**
   * A component of `components[]` (or nested `components[].components[]`). Nesting is recorded as
   * an edge parent → child: CycloneDX nesting means "contains" (spec: component.components).
   */
  addComponent(raw: CdxRawComponent, nestedIn: string | undefined): string {
    // Some generators repeat metadata.component in components[]: keep one subject, not a component.
    if (this.#subjectBomRef !== undefined && raw.ref === this.#subjectBomRef && this.#subject?.ref === this.#subjectBomRef) {
      this.sink.add('SUBJECT_IN_COMPONENTS', `component repeats metadata.component bom-ref ${this.#subjectBomRef}`, raw.at);
      return this.#subjectBomRef;
    }
    const { comp } = this.#read(raw, 'component');
    if (nestedIn !== undefined) comp.nestedIn = nestedIn;
    try {
      this.#out.component(comp);
    } catch (err) {
      // The sink refuses a component it cannot store (too long to index); say where it is. The
      // pointer is built only here, as components carry theirs lazily.
      if (err instanceof SbomError && err.pointer === undefined) throw new SbomError(err.code, err.message, this.sink.pointer(raw.at));
      throw err;
    }
    if (nestedIn !== undefined) this.#out.edge(nestedIn, comp.ref);
    return comp.ref;
  }

  /** One dependsOn entry of `dependencies[]`; resolved in finish() once every component is known. */
  addDependency(ref: unknown, refAt: Ptr, dependsOn: unknown, at: Ptr): void {
    if (typeof ref !== 'string' || ref === '') {
      this.sink.add('INVALID_FIELD', 'dependency ref is not a non-empty string', refAt);
      return;
    }
    if (typeof dependsOn !== 'string' || dependsOn === '') {
      this.sink.add('INVALID_FIELD', 'dependsOn entry is not a non-empty string', at);
      return;
    }
    // Resolved now when both ends are known, so a large document's dependencies are not held;
    // a forward reference (or a dangling one) waits for finish().
    const from = this.#byBomRef.get(ref);
    const to = this.#byBomRef.get(dependsOn);
    if (from !== undefined && to !== undefined) this.#out.edge(from, to);
    else this.#deps.push({ ref, dependsOn, at });
  }

  /** Resolves the remaining dependencies; the header of the Inventory (components went to the sink). */
  finishHeader(): InventoryHeader {
    for (const d of this.#deps) {
      const from = this.#byBomRef.get(d.ref);
      const to = this.#byBomRef.get(d.dependsOn);
      if (from === undefined || to === undefined) {
        const missing = from === undefined ? d.ref : d.dependsOn;
        this.sink.add('DANGLING_REF', `dependency refers to unknown bom-ref ${missing}`, d.at);
        continue;
      }
      this.#out.edge(from, to);
    }
    this.#deps.length = 0;
    const header: InventoryHeader = { format: 'cyclonedx', encoding: this.encoding, specVersion: this.specVersion, findings: this.sink.done() };
    if (this.serialNumber !== undefined) header.serialNumber = this.serialNumber;
    if (this.#subject) {
      header.subject = this.#subject;
      if (this.#subject.name) header.name = this.#subject.name;
    }
    return header;
  }

  /** The whole Inventory; only for a builder that collects (constructed without a sink). */
  finish(): Inventory {
    const header = this.finishHeader();
    if (!this.#collector) throw new Error('finish() needs the collecting builder; use finishHeader()');
    return this.#collector.toInventory(header);
  }

  #fieldAt(raw: CdxRawComponent, field: string): Ptr {
    return at(raw.at, this.fieldSeg(field));
  }

  #str(raw: CdxRawComponent, field: keyof CdxRawComponent & string, v: unknown): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      this.sink.add('INVALID_FIELD', `${field} is not a string; ignored`, this.#fieldAt(raw, field));
      return undefined;
    }
    return v;
  }

  #read(raw: CdxRawComponent, what: 'subject' | 'component'): { comp: InventoryComponent; bomRef: string | undefined } {
    const bomRef = this.#str(raw, 'ref', raw.ref) || undefined;
    let ref: string;
    if (bomRef === undefined) {
      // bom-ref is optional in CycloneDX; such a component cannot be a dependency target.
      ref = this.#refs.claim(`attestant:generated:${++this.#generated}`);
    } else if (this.#byBomRef.has(bomRef)) {
      // Duplicate bom-refs violate the spec ("unique within the BOM"); keep both components, the
      // second under a fresh ref. dependencies[] keep resolving to the first occurrence.
      ref = this.#refs.claim(`${bomRef}#dup`);
      this.sink.add('DUPLICATE_REF', `bom-ref ${bomRef} is used more than once; renamed to ${ref}`, this.#fieldAt(raw, 'ref'));
    } else {
      ref = this.#refs.claim(bomRef);
      this.#byBomRef.set(bomRef, ref);
    }
    const purl = this.#str(raw, 'purl', raw.purl);
    let name = this.#str(raw, 'name', raw.name);
    if (!name) {
      name = (purl && purlName(purl)) || bomRef || ref;
      this.sink.add('MISSING_FIELD', `${what} has no name; using ${JSON.stringify(name)}`, raw.at);
    }
    const comp: InventoryComponent = { ref, name, hashes: [] };
    const group = this.#str(raw, 'group', raw.group);
    if (group) comp.group = group;
    const version = this.#str(raw, 'version', raw.version);
    if (version) comp.version = version;
    if (purl !== undefined) comp.purl = purl; // verbatim, even if malformed: the caller canonicalises
    const type = this.#str(raw, 'type', raw.type);
    if (type) comp.type = type;
    const scope = this.#str(raw, 'scope', raw.scope);
    if (scope) comp.scope = scope;
    for (const h of raw.hashes) {
      if (typeof h.alg !== 'string' || typeof h.value !== 'string') {
        this.sink.add('INVALID_FIELD', 'hash alg/content is not a string; ignored', h.at);
        continue;
      }
      const value = normalizeHex(h.value);
      if (value === undefined) {
        this.sink.add('INVALID_HASH', `hash value is not hexadecimal; ignored`, h.at);
        continue;
      }
      comp.hashes.push({ alg: normalizeHashAlg(h.alg), value });
    }
    return { comp, bomRef };
  }
}
