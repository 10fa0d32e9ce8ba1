/**
 * Maps a `predicateType` URI to the kind of document we know how to read.
 *
 * Producers are inconsistent about predicate type URIs (trailing slashes,
 * `?draft` suffixes, versioned CycloneDX/SPDX forms), so matching is done on a
 * normalised form. The in-toto predicate registry lists the canonical URIs:
 * https://github.com/in-toto/attestation/tree/main/spec/predicates
 */
export type PredicateKind =
  | 'slsa-provenance-v0.2'
  | 'slsa-provenance-v1'
  | 'slsa-vsa-v1'
  | 'cyclonedx'
  | 'spdx'
  | 'openvex'
  | 'other';

const EXACT: ReadonlyMap<string, PredicateKind> = new Map<string, PredicateKind>([
  // https://slsa.dev/spec/v0.2/provenance
  ['https://slsa.dev/provenance/v0.2', 'slsa-provenance-v0.2'],
  // https://slsa.dev/spec/v1.0/provenance — "v1" always means the latest 1.x.
  ['https://slsa.dev/provenance/v1', 'slsa-provenance-v1'],
  ['https://slsa.dev/provenance/v1.0', 'slsa-provenance-v1'],
  ['https://slsa.dev/provenance/v1.1', 'slsa-provenance-v1'],
  // https://slsa.dev/spec/v1.0/verification_summary
  ['https://slsa.dev/verification_summary/v1', 'slsa-vsa-v1'],
  // The in-toto registry re-homed the VSA (spec/predicates/vsa.md, v1.1).
  ['https://in-toto.io/attestation/verification_summary/v1', 'slsa-vsa-v1'],
  // https://cyclonedx.org/bom (cosign uses the unversioned form; the in-toto
  // registry lists `https://cyclonedx.org/bom/v1.x`).
  ['https://cyclonedx.org/bom', 'cyclonedx'],
  ['https://cyclonedx.org/schema', 'cyclonedx'],
  // https://spdx.dev/Document (cosign) and the versioned registry form.
  ['https://spdx.dev/Document', 'spdx'],
  // https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md
  ['https://openvex.dev/ns', 'openvex'],
]);

function normalise(predicateType: string): string {
  let t = predicateType.trim();
  // `?draft` marks pre-release versions of the SLSA types (e.g. the examples in
  // slsa-framework/slsa docs/github-actions-workflow use provenance/v1?draft).
  const q = t.indexOf('?');
  if (q >= 0) t = t.slice(0, q);
  while (t.endsWith('/')) t = t.slice(0, -1);
  return t;
}

export function classifyPredicate(predicateType: string): PredicateKind {
  const t = normalise(predicateType);
  const exact = EXACT.get(t);
  if (exact) return exact;
  if (/^https:\/\/cyclonedx\.org\/bom\/v?1(\.\d+)*$/.test(t)) return 'cyclonedx';
  if (/^https:\/\/spdx\.dev\/Document\/v?2(\.\d+)*$/.test(t)) return 'spdx';
  if (/^https:\/\/openvex\.dev\/ns\/v\d+(\.\d+)*$/.test(t)) return 'openvex';
  return 'other';
}
