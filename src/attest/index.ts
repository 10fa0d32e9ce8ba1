// Public API of the attest module: in-toto statements and predicate → facts (pure, no I/O).
export { AttestError } from './errors.ts';
export type { AttestErrorCode } from './errors.ts';
export { parseStatement, STATEMENT_TYPES } from './statement.parser.ts';
export type { Statement, Subject, StatementType } from './statement.parser.ts';
export { classifyPredicate } from './predicate-kind.ts';
export type { PredicateKind } from './predicate-kind.ts';
export { toProvenanceFacts, runIdFromInvocation } from './provenance.ts';
export type { ProvenanceFacts, ProvenanceKind } from './provenance.ts';
export { toVsaFacts } from './vsa.ts';
export type { VsaFacts } from './vsa.ts';
export { normaliseSourceUri } from './source-uri.ts';
export type { NormalisedSource } from './source-uri.ts';
export { normalizeVulnerabilityId, toVexFacts } from './vex.ts';
export type { VexComponent, VexFacts, VexProduct, VexStatementFacts, VexStatus } from './vex.ts';
export { toSbomPredicate } from './sbom-predicate.ts';
export type { SbomPredicate } from './sbom-predicate.ts';
export { toPredicateFacts } from './predicate-facts.ts';
export type { PredicateFacts } from './predicate-facts.ts';
