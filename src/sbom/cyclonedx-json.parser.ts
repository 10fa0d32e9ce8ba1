// CycloneDX JSON → Inventory. Spec: https://cyclonedx.org/docs/1.6/json/ (1.2–1.7 share the
// fields read here: metadata.component, components[] (recursive), dependencies[]{ref,dependsOn[]}).
import type { Inventory } from './inventory.ts';
import type { Sniffed } from './detect.ts';
import { SbomError } from './errors.ts';
import { CDX_SUPPORTED_VERSIONS, CdxInventoryBuilder, type CdxRawComponent } from './cyclonedx.builder.ts';
import { at, isRecord, type Ptr } from './util.ts';

export function parseCycloneDxJson(sniffed: Sniffed): Inventory {
  const doc = sniffed.json;
  if (!isRecord(doc)) throw new SbomError('SBOM_INVALID', 'CycloneDX JSON document is not an object');
  const specVersion = doc.specVersion;
  if (typeof specVersion !== 'string' || !(CDX_SUPPORTED_VERSIONS as readonly string[]).includes(specVersion)) {
    throw new SbomError(
      'SBOM_UNSUPPORTED_VERSION',
      `CycloneDX specVersion ${JSON.stringify(specVersion)} is not supported (${CDX_SUPPORTED_VERSIONS.join(', ')})`,
      '/specVersion',
    );
  }
  const serial = typeof doc.serialNumber === 'string' ? doc.serialNumber : undefined;
  const b = new CdxInventoryBuilder('json', specVersion, serial, jsonField);
  if (doc.serialNumber !== undefined && serial === undefined) b.sink.add('INVALID_FIELD', 'serialNumber is not a string', '/serialNumber');

  // Explicit stack (not recursion): nesting depth is attacker-controlled.
  const stack: Array<{ list: unknown; at: Ptr; nestedIn: string | undefined }> = [];
  const metadata = doc.metadata;
  if (isRecord(metadata) && metadata.component !== undefined) {
    const mAt = at(at(undefined, 'metadata'), 'component');
    if (isRecord(metadata.component)) {
      const subjectRef = b.setSubject(toRaw(metadata.component, mAt, b));
      if (metadata.component.components !== undefined) {
        stack.push({ list: metadata.component.components, at: at(mAt, 'components'), nestedIn: subjectRef });
      }
    } else {
      b.sink.add('INVALID_FIELD', 'metadata.component is not an object', mAt);
    }
  }
  if (doc.components !== undefined) stack.push({ list: doc.components, at: at(undefined, 'components'), nestedIn: undefined });

  // Each stack entry is a component list; items are visited depth-first, in document order.
  const work: Array<{ node: unknown; at: Ptr; nestedIn: string | undefined }> = [];
  const pushList = (list: unknown, listAt: Ptr, nestedIn: string | undefined) => {
    if (!Array.isArray(list)) {
      b.sink.add('INVALID_FIELD', 'components is not an array', listAt);
      return;
    }
    for (let i = list.length - 1; i >= 0; i--) work.push({ node: list[i], at: at(listAt, i), nestedIn });
  };
  for (const s of stack) {
    pushList(s.list, s.at, s.nestedIn);
    while (work.length > 0) {
      const w = work.pop()!;
      if (!isRecord(w.node)) {
        b.sink.add('INVALID_FIELD', 'component is not an object', w.at);
        continue;
      }
      const ref = b.addComponent(toRaw(w.node, w.at, b), w.nestedIn);
      if (w.node.components !== undefined) pushList(w.node.components, at(w.at, 'components'), ref);
    }
  }

  if (doc.dependencies !== undefined) {
    const dAt = at(undefined, 'dependencies');
    if (!Array.isArray(doc.dependencies)) b.sink.add('INVALID_FIELD', 'dependencies is not an array', dAt);
    else {
      for (let i = 0; i < doc.dependencies.length; i++) {
        const d: unknown = doc.dependencies[i];
        const iAt = at(dAt, i);
        if (!isRecord(d)) {
          b.sink.add('INVALID_FIELD', 'dependency is not an object', iAt);
          continue;
        }
        if (d.dependsOn === undefined) {
          if (typeof d.ref !== 'string') b.sink.add('INVALID_FIELD', 'dependency ref is not a string', at(iAt, 'ref'));
          continue;
        }
        if (!Array.isArray(d.dependsOn)) {
          b.sink.add('INVALID_FIELD', 'dependsOn is not an array', at(iAt, 'dependsOn'));
          continue;
        }
        const onAt = at(iAt, 'dependsOn');
        const refAt = at(iAt, 'ref');
        for (let j = 0; j < d.dependsOn.length; j++) b.addDependency(d.ref, refAt, d.dependsOn[j], at(onAt, j));
      }
    }
  }
  return b.finish();
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
