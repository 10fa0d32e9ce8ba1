// SPDX 2.2 / 2.3 JSON → Inventory. Field names per the official JSON schema
// (spdx/spdx-spec schemas/spdx-schema.json): packages[].SPDXID/name/versionInfo/externalRefs/checksums,
// relationships[].spdxElementId/relationshipType/relatedSpdxElement, documentDescribes (2.2).
import type { Inventory } from './inventory.ts';
import type { Sniffed } from './detect.ts';
import { SbomError } from './errors.ts';
import { buildSpdxInventory, toSpdxVersion, type SpdxModel, type SpdxRawPackage } from './spdx.builder.ts';
import { FindingSink, at, isRecord } from './util.ts';

/** 2.3 spells the category PACKAGE-MANAGER; 2.2 documents (and the 2.2 schema) use PACKAGE_MANAGER. */
const PACKAGE_MANAGER = new Set(['PACKAGE-MANAGER', 'PACKAGE_MANAGER']);

export function parseSpdxJson(sniffed: Sniffed): Inventory {
  const doc = sniffed.json;
  if (!isRecord(doc)) throw new SbomError('SBOM_INVALID', 'SPDX JSON document is not an object');
  if (doc.spdxVersion === undefined && doc['@context'] !== undefined) {
    throw new SbomError('SBOM_UNSUPPORTED_VERSION', 'SPDX 3 (JSON-LD) documents are not supported', '/@context');
  }
  const specVersion = toSpdxVersion(doc.spdxVersion, '/spdxVersion');
  const sink = new FindingSink(true);
  const model: SpdxModel = {
    spdxVersion: doc.spdxVersion,
    name: doc.name,
    namespace: doc.documentNamespace,
    documentId: typeof doc.SPDXID === 'string' ? doc.SPDXID : 'SPDXRef-DOCUMENT',
    packages: [],
    nonPackageIds: new Set(),
    relationships: [],
    documentDescribes: [],
  };
  const arr = (key: string): unknown[] => {
    const v = doc[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      sink.add('INVALID_FIELD', `${key} is not an array`, `/${key}`);
      return [];
    }
    return v;
  };

  arr('packages').forEach((p, i) => {
    const pAt = at(at(undefined, 'packages'), i);
    if (!isRecord(p)) return sink.add('INVALID_FIELD', 'package is not an object', pAt);
    const raw: SpdxRawPackage = {
      at: pAt,
      fieldAt: (f) => at(pAt, f),
      id: p.SPDXID,
      name: p.name,
      version: p.versionInfo,
      purls: [],
      checksums: [],
    };
    if (Array.isArray(p.externalRefs)) {
      p.externalRefs.forEach((r: unknown, j: number) => {
        if (!isRecord(r) || r.referenceType !== 'purl') return;
        if (typeof r.referenceCategory === 'string' && !PACKAGE_MANAGER.has(r.referenceCategory)) return;
        raw.purls.push({ locator: r.referenceLocator, at: at(at(at(pAt, 'externalRefs'), j), 'referenceLocator') });
      });
    }
    if (Array.isArray(p.checksums)) {
      p.checksums.forEach((c: unknown, j: number) => {
        const cAt = at(at(pAt, 'checksums'), j);
        if (isRecord(c)) raw.checksums.push({ alg: c.algorithm, value: c.checksumValue, at: cAt });
        else sink.add('INVALID_FIELD', 'checksum is not an object', cAt);
      });
    }
    model.packages.push(raw);
  });
  for (const key of ['files', 'snippets']) {
    for (const f of arr(key)) if (isRecord(f) && typeof f.SPDXID === 'string') model.nonPackageIds.add(f.SPDXID);
  }
  arr('documentDescribes').forEach((id, i) => model.documentDescribes.push({ id, at: `/documentDescribes/${i}` }));
  arr('relationships').forEach((r, i) => {
    const rAt = at(at(undefined, 'relationships'), i);
    if (!isRecord(r)) return sink.add('INVALID_FIELD', 'relationship is not an object', rAt);
    model.relationships.push({ a: r.spdxElementId, type: r.relationshipType, b: r.relatedSpdxElement, at: rAt });
  });
  return buildSpdxInventory(model, 'json', specVersion, sink);
}
