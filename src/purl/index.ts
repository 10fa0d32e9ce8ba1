/**
 * Package URLs, `vers:` ranges and per-ecosystem version order. Pure: no I/O.
 */
export { PurlError, VersError } from './errors.ts';
export type { PurlErrorCode, VersErrorCode } from './errors.ts';
export { buildPurl, canonicalizePurl, tryCanonicalizePurl } from './canonical-purl.ts';
export type { CanonicalPurl, PurlComponents } from './canonical-purl.ts';
export { compareVersions, ecosystemOf, isOrderable, versionOrderOf, versionSortKey } from './version-order.ts';
export type { VersionOrder } from './version-order.ts';
export { compareKeys } from './sort-key-encoding.ts';
export { parseCanonicalVers, parseVers, versBounds, versContains } from './vers.ts';
export type { VersBound, VersComparator, VersConstraint, VersMatch, VersRange } from './vers.ts';
