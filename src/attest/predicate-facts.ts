import { classifyPredicate } from './predicate-kind.ts';
import type { PredicateKind } from './predicate-kind.ts';
import { toProvenanceFacts } from './provenance.ts';
import type { ProvenanceFacts } from './provenance.ts';
import { toSbomPredicate } from './sbom-predicate.ts';
import type { SbomPredicate } from './sbom-predicate.ts';
import type { Statement } from './statement.parser.ts';
import { toVexFacts } from './vex.ts';
import type { VexFacts } from './vex.ts';
import { toVsaFacts } from './vsa.ts';
import type { VsaFacts } from './vsa.ts';

/** What a statement's predicate says, by kind (GUAC-style "parse": document → plain data). */
export type PredicateFacts =
  | { kind: 'slsa-provenance-v0.2' | 'slsa-provenance-v1'; provenance: ProvenanceFacts }
  | { kind: 'slsa-vsa-v1'; vsa: VsaFacts }
  | { kind: 'cyclonedx' | 'spdx'; sbom: SbomPredicate }
  | { kind: 'openvex'; vex: VexFacts }
  | { kind: 'other'; predicateType: string };

export function toPredicateFacts(statement: Statement): PredicateFacts {
  const kind: PredicateKind = classifyPredicate(statement.predicateType);
  switch (kind) {
    case 'slsa-provenance-v0.2':
    case 'slsa-provenance-v1':
      return { kind, provenance: toProvenanceFacts(kind, statement.predicate) };
    case 'slsa-vsa-v1':
      return { kind, vsa: toVsaFacts(statement.predicate) };
    case 'cyclonedx':
    case 'spdx':
      return { kind, sbom: toSbomPredicate(kind, statement.predicate) };
    case 'openvex':
      return { kind, vex: toVexFacts(statement.predicate) };
    case 'other':
      return { kind, predicateType: statement.predicateType };
    default: {
      const never: never = kind;
      return { kind: 'other', predicateType: String(never) };
    }
  }
}
