// CycloneDX JSON → Inventory. Spec: https://cyclonedx.org/docs/1.6/json/ (1.2–1.7 share the
// fields read here: metadata.component, components[] (recursive), dependencies[]{ref,dependsOn[]}).
//
// The parser is fed in segments so a large document never exists as one JSON.parse tree: first
// the document's header (every top-level member except the components and dependencies arrays),
// then each element of those arrays, in document order. parseCycloneDxJson feeds it from a parsed
// tree; the streaming ingest feeds it from json-segments.ts.
import type { Inventory, InventoryHeader, InventorySink } from './inventory.ts';
import type { Sniffed } from './detect.ts';
import { SbomError } from './errors.ts';
import { CDX_SUPPORTED_VERSIONS, CdxInventoryBuilder, type CdxRawComponent } from './cyclonedx.builder.ts';
import { at, isRecord, type Ptr } from './util.ts';

/** Top-level arrays the streaming ingest splits into elements. */
export const CDX_SPLIT_KEYS: ReadonlySet<string> = new Set(['components', 'dependencies']);

const COMPONENTS_AT = at(undefined, 'components');
const DEPENDENCIES_AT = at(undefined, 'dependencies');

export class CdxJsonSegmentParser {
  readonly #b: CdxInventoryBuilder;
  // Explicit stack (not recursion): nesting depth is attacker-controlled.
  readonly #work: Array<{ node: unknown; at: Ptr; nestedIn: string | undefined }> = [];

  /** `header`: the top-level object without the components/dependencies arrays (non-arrays stay, to be reported). */
  constructor(header: Record<string, unknown>, sink?: InventorySink) {
    const specVersion = header.specVersion;
    if (typeof specVersion !== 'string' || !(CDX_SUPPORTED_VERSIONS as readonly string[]).includes(specVersion)) {
      throw new SbomError(
        'SBOM_UNSUPPORTED_VERSION',
        `CycloneDX specVersion ${JSON.stringify(specVersion)} is not supported (${CDX_SUPPORTED_VERSIONS.join(', ')})`,
        '/specVersion',
      );
    }
    const serial = typeof header.serialNumber === 'string' ? header.serialNumber : undefined;
    const b = (this.#b = new CdxInventoryBuilder('json', specVersion, serial, jsonField, sink));
    if (header.serialNumber !== undefined && serial === undefined) b.sink.add('INVALID_FIELD', 'serialNumber is not a string', '/serialNumber');

    const metadata = header.metadata;
    if (isRecord(metadata) && metadata.component !== undefined) {
      const mAt = at(at(undefined, 'metadata'), 'component');
      if (isRecord(metadata.component)) {
        const subjectRef = b.setSubject(toRaw(metadata.component, mAt, b));
        if (metadata.component.components !== undefined) this.#visitList(metadata.component.components, at(mAt, 'components'), subjectRef);
      } else {
        b.sink.add('INVALID_FIELD', 'metadata.component is not an object', mAt);
      }
    }
    if (header.components !== undefined) b.sink.add('INVALID_FIELD', 'components is not an array', COMPONENTS_AT);
    if (header.dependencies !== undefined) b.sink.add('INVALID_FIELD', 'dependencies is not an array', DEPENDENCIES_AT);
  }

  /** components[index], with everything nested in it. */
  component(index: number, node: unknown): void {
    this.#work.push({ node, at: at(COMPONENTS_AT, index), nestedIn: undefined });
    this.#drain();
  }

  /** dependencies[index]. */
  dependency(index: number, d: unknown): void {
    const b = this.#b;
    const iAt = at(DEPENDENCIES_AT, index);
    if (!isRecord(d)) {
      b.sink.add('INVALID_FIELD', 'dependency is not an object', iAt);
      return;
    }
    if (d.dependsOn === undefined) {
      if (typeof d.ref !== 'string') b.sink.add('INVALID_FIELD', 'dependency ref is not a string', at(iAt, 'ref'));
      return;
    }
    if (!Array.isArray(d.dependsOn)) {
      b.sink.add('INVALID_FIELD', 'dependsOn is not an array', at(iAt, 'dependsOn'));
      return;
    }
    const onAt = at(iAt, 'dependsOn');
    const refAt = at(iAt, 'ref');
    for (let j = 0; j < d.dependsOn.length; j++) b.addDependency(d.ref, refAt, d.dependsOn[j], at(onAt, j));
  }

  finishHeader(): InventoryHeader {
    return this.#b.finishHeader();
  }

  finish(): Inventory {
    return this.#b.finish();
  }

  #visitList(list: unknown, listAt: Ptr, nestedIn: string | undefined): void {
    if (!Array.isArray(list)) {
      this.#b.sink.add('INVALID_FIELD', 'components is not an array', listAt);
      return;
    }
    for (let i = list.length - 1; i >= 0; i--) this.#work.push({ node: list[i], at: at(listAt, i), nestedIn });
    this.#drain();
  }

  /** Depth-first, in document order. */
  #drain(): void {
    const work = this.#work;
    while (work.length > 0) {
      const w = work.pop()!;
      if (!isRecord(w.node)) {
        this.#b.sink.add('INVALID_FIELD', 'component is not an object', w.at);
        continue;
      }
      const ref = this.#b.addComponent(toRaw(w.node, w.at, this.#b), w.nestedIn);
      const children = w.node.components;
      if (children === undefined) continue;
      const cAt = at(w.at, 'components');
      if (!Array.isArray(children)) this.#b.sink.add('INVALID_FIELD', 'components is not an array', cAt);
      else for (let i = children.length - 1; i >= 0; i--) work.push({ node: children[i], at: at(cAt, i), nestedIn: ref });
    }
  }
}

/** The header of a parsed document: every member but the arrays the segment parser takes one element at a time. */
export function cdxHeaderOf(doc: Record<string, unknown>): Record<string, unknown> {
  const header: Record<string, unknown> = {};
  for (const k of Object.keys(doc)) if (!(CDX_SPLIT_KEYS.has(k) && Array.isArray(doc[k]))) header[k] = doc[k];
  return header;
}

export function parseCycloneDxJson(sniffed: Sniffed): Inventory {
  const doc = sniffed.json;
  if (!isRecord(doc)) throw new SbomError('SBOM_INVALID', 'CycloneDX JSON document is not an object');
  const p = new CdxJsonSegmentParser(cdxHeaderOf(doc));
  if (Array.isArray(doc.components)) for (let i = 0; i < doc.components.length; i++) p.component(i, doc.components[i]);
  if (Array.isArray(doc.dependencies)) for (let i = 0; i < doc.dependencies.length; i++) p.dependency(i, doc.dependencies[i]);
  return p.finish();
}

function jsonField(f: string): string {
  return f === 'ref' ? 'bom-ref' : f;
}

function toRaw(c: Record<string, unknown>, cAt: Ptr, b: CdxInventoryBuilder): CdxRawComponent {
  const hashes: CdxRawComponent['hashes'] = [];
  if (c.hashes !== undefined) {
    const hAt = at(cAt, 'hashes');
    if (!Array.isArray(c.hashes)) b.sink.add('INVALID_FIELD', 'hashes is not an array', hAt);
    else {
      // Plain loops in this per-component path: no closure allocation per component.
      for (let i = 0; i < c.hashes.length; i++) {
        const h: unknown = c.hashes[i];
        if (isRecord(h)) hashes.push({ alg: h.alg, value: h.content, at: at(hAt, i) });
        else b.sink.add('INVALID_FIELD', 'hash is not an object', at(hAt, i));
      }
    }
  }
  return {
    at: cAt,
    ref: c['bom-ref'],
    name: c.name,
    group: c.group,
    version: c.version,
    purl: c.purl,
    type: c.type,
    scope: c.scope,
    hashes,
  };
}
