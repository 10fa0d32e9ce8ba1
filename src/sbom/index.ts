// Public API of the SBOM layer: detect → parse (pure, per document kind) → Inventory;
// schema validation → findings; membership graph. See README.md in this folder.
// Nothing here does I/O except validateSbom reading the bundled schema files once.
import type { Inventory } from './inventory.ts';
import { sniffSbom, type DetectedKind, type Sniffed } from './detect.ts';
import { parseCycloneDxJson } from './cyclonedx-json.parser.ts';
import { parseCycloneDxXml } from './cyclonedx-xml.parser.ts';
import { parseSpdxJson } from './spdx-json.parser.ts';
import { parseSpdxTagValue } from './spdx-tag-value.parser.ts';

export { SbomError, type SbomErrorCode } from './errors.ts';
export { detectSbom, type DetectedKind } from './detect.ts';
export { validateSbom } from './validate.ts';
export { computeMemberships } from './membership.ts';
export type { Inventory, InventoryComponent, InventoryHeader, InventorySink, InventorySubject, Finding, Membership } from './inventory.ts';
export type { FindingCode } from './util.ts';

/** 'cyclonedx/json' | 'cyclonedx/xml' | 'spdx/json' | 'spdx/tag-value', derived from the union. */
type KindKey = DetectedKind extends infer K ? (K extends { format: infer F extends string; encoding: infer E extends string } ? `${F}/${E}` : never) : never;

/** One pure parser per document kind; the mapped type makes a missing kind a compile error. */
const PARSERS: { readonly [K in KindKey]: (s: Sniffed) => Inventory } = {
  'cyclonedx/json': parseCycloneDxJson,
  'cyclonedx/xml': parseCycloneDxXml,
  'spdx/json': parseSpdxJson,
  'spdx/tag-value': parseSpdxTagValue,
};

/** Detects the kind and runs its parser. Reads the bytes only; the caller stores them unchanged. */
export function parseSbom(bytes: Buffer, contentType?: string): Inventory {
  return parseSbomDocument(bytes, contentType).inventory;
}

/** parseSbom, also handing back the JSON.parse result so schema validation need not parse again. */
export function parseSbomDocument(bytes: Buffer, contentType?: string): { inventory: Inventory; kind: DetectedKind; parsed?: unknown } {
  const sniffed = sniffSbom(bytes, contentType);
  const key = `${sniffed.kind.format}/${sniffed.kind.encoding}` as KindKey;
  return { inventory: PARSERS[key](sniffed), kind: sniffed.kind, parsed: sniffed.json };
}
