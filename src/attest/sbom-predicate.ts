import { AttestError } from './errors.ts';
import { isRecord } from './statement.parser.ts';

/**
 * SBOM predicates → the SBOM document itself, for the sbom module to parse.
 *
 * The in-toto SBOM predicates (spec/predicates/cyclonedx.md, spdx.md) *are*
 * the SBOM JSON. Older cosign (`cosign attest --type cyclonedx|spdx`) wrapped
 * it as `{ "Data": <document or JSON string>, "Timestamp": … }`; that wrapper
 * is unwrapped here so callers see one shape.
 */
export interface SbomPredicate {
  format: 'cyclonedx' | 'spdx';
  document: Record<string, unknown>;
}

export function toSbomPredicate(kind: 'cyclonedx' | 'spdx', predicate: unknown): SbomPredicate {
  let doc: unknown = predicate;
  let at = '/predicate';
  if (isRecord(doc) && 'Data' in doc && !('bomFormat' in doc) && !('spdxVersion' in doc)) {
    at = '/predicate/Data';
    doc = doc['Data'];
    if (typeof doc === 'string') {
      try {
        doc = JSON.parse(doc);
      } catch {
        throw new AttestError('PREDICATE_INVALID', 'Data is not a JSON SBOM', at);
      }
    }
  }
  if (!isRecord(doc)) throw new AttestError('PREDICATE_INVALID', 'SBOM must be a JSON object', at);
  switch (kind) {
    case 'cyclonedx':
      // CycloneDX JSON: "bomFormat": "CycloneDX" is required (cyclonedx.org/docs/1.6/json/#bomFormat).
      if (doc['bomFormat'] !== 'CycloneDX') throw new AttestError('PREDICATE_INVALID', 'bomFormat must be "CycloneDX"', `${at}/bomFormat`);
      return { format: 'cyclonedx', document: doc };
    case 'spdx':
      if (typeof doc['spdxVersion'] !== 'string' || !doc['spdxVersion'].startsWith('SPDX-')) {
        throw new AttestError('PREDICATE_INVALID', 'spdxVersion must be "SPDX-<version>"', `${at}/spdxVersion`);
      }
      return { format: 'spdx', document: doc };
    default: {
      const never: never = kind;
      throw new AttestError('PREDICATE_INVALID', `not an SBOM kind: ${String(never)}`);
    }
  }
}
