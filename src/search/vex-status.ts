// What verified OpenVEX statements say about one where-used hit (a component in an artifact) and
// one vulnerability. Pure: the documents come from attestations whose signature was verified at
// ingest and whose subject is the hit's artifact; a VEX document merely found anywhere counts for
// nothing. Spec: https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md (v0.2.0).
import { canonicalizePurl, type CanonicalPurl } from '../purl/index.ts';
import { normalizeVulnerabilityId, type VexComponent, type VexFacts, type VexProduct, type VexStatementFacts, type VexStatus } from '../attest/index.ts';

/** One verified OpenVEX attestation, as seen from one of its subjects. */
export interface VexDocument {
  attestationId: string;
  /** Who signed it: the certificate identity or the configured key's name. */
  signer: string;
  verifiedAt: Date;
  /** The subject's digest (`sha256:<hex>`) and the name the attestation gave it, if any. */
  subject: { digest: string; name: string | null };
  facts: VexFacts;
}

export interface VexVerdict {
  vulnerability: string;
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  actionStatement?: string;
  timestamp: string;
  attestation: string;
  signer: string;
}

function namesVulnerability(s: VexStatementFacts, wanted: string): boolean {
  return normalizeVulnerabilityId(s.vulnerability) === wanted || s.aliases.some((a) => normalizeVulnerabilityId(a) === wanted);
}

function decoded(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/**
 * Whether a product identifies the subject: by its SHA-256 (in an identifier such as
 * `pkg:oci/app@sha256%3A…`, or in `hashes`), or by the very name the attestation gave the subject.
 */
function identifiesSubject(p: VexComponent, subject: VexDocument['subject']): boolean {
  const hex = subject.digest.startsWith('sha256:') ? subject.digest.slice(7) : undefined;
  if (hex && (p.hashes['sha-256'] === hex || p.hashes['sha256'] === hex)) return true;
  return p.ids.some((id) => (hex !== undefined && decoded(id).toLowerCase().includes(`sha256:${hex}`)) || (subject.name !== null && id === subject.name));
}

function parsePurl(s: string): CanonicalPurl | undefined {
  if (!s.startsWith('pkg:')) return undefined;
  try {
    return canonicalizePurl(s);
  } catch {
    return undefined;
  }
}

/**
 * A subcomponent names the component when one of its purls has the component's package identity
 * and, where it gives them, the same version and qualifiers. Components without a purl, and
 * subcomponents named only by hash or CPE, match nothing: a status is never applied by guesswork.
 */
function namesComponent(sub: VexComponent, component: CanonicalPurl): boolean {
  return sub.ids.some((id) => {
    const p = parsePurl(id);
    if (!p || p.packageKey !== component.packageKey) return false;
    if (p.version !== null && p.version !== component.version) return false;
    return Object.entries(p.qualifiers).every(([k, v]) => component.qualifiers[k] === v);
  });
}

/** Whether the statement is about this component of the subject. */
function applies(s: VexStatementFacts, subject: VexDocument['subject'], component: CanonicalPurl | undefined): boolean {
  // No product: the statement inherits the attestation's subjects (spec §Inheritance). A product
  // given overrides them, so it must identify this subject.
  const scopes: Array<Pick<VexProduct, 'subcomponents'>> = s.products.length === 0
    ? [{ subcomponents: [] }]
    : s.products.filter((p) => identifiesSubject(p, subject));
  return scopes.some((scope) => {
    const subs = [...scope.subcomponents, ...s.subcomponents];
    // No subcomponent: the statement covers the product as a whole, so every component in it.
    return subs.length === 0 || (component !== undefined && subs.some((sub) => namesComponent(sub, component)));
  });
}

interface Rank { at: number; verifiedAt: number; id: string; index: number }

/** Statement time, then verification time, then attestation id (only so the answer never depends on row order), then position. */
function later(a: Rank, b: Rank): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.verifiedAt !== b.verifiedAt) return a.verifiedAt > b.verifiedAt;
  if (a.id !== b.id) return a.id > b.id;
  return a.index > b.index;
}

/**
 * The status of `vulnerability` for `componentPurl` in the documents' subject: the latest
 * applicable statement wins (VEX is a sequence of statements, each overriding the previous ones).
 * A statement's time is its own, else its document's, else when we verified the attestation.
 * Ties go to the later-verified attestation, then (see `later`) to the later statement in its document.
 */
export function vexStatus(docs: readonly VexDocument[], vulnerability: string, componentPurl: string | null): VexVerdict | undefined {
  const wanted = normalizeVulnerabilityId(vulnerability);
  const component = componentPurl === null ? undefined : parsePurl(componentPurl);
  let best: { rank: Rank; doc: VexDocument; s: VexStatementFacts } | undefined;
  for (const doc of docs) {
    doc.facts.statements.forEach((s, index) => {
      if (!namesVulnerability(s, wanted) || !applies(s, doc.subject, component)) return;
      const rank = { at: (s.timestamp ?? doc.verifiedAt).getTime(), verifiedAt: doc.verifiedAt.getTime(), id: doc.attestationId, index };
      if (!best || later(rank, best.rank)) best = { rank, doc, s };
    });
  }
  if (!best) return undefined;
  const { s, doc, rank } = best;
  const out: VexVerdict = { vulnerability: s.vulnerability, status: s.status, timestamp: new Date(rank.at).toISOString(), attestation: doc.attestationId, signer: doc.signer };
  if (s.justification !== undefined) out.justification = s.justification;
  if (s.impactStatement !== undefined) out.impactStatement = s.impactStatement;
  if (s.actionStatement !== undefined) out.actionStatement = s.actionStatement;
  return out;
}
