// Attestation ingest: collect (split envelopes) → verify every signature (pure, synchronous) →
// parse statements and predicates (pure) → assemble in one transaction. Verification happens
// before anything is written, so a rejected envelope never becomes evidence; one bad envelope in
// a .intoto.jsonl rejects the whole upload.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../platform/database.ts';
import { withTransaction } from '../platform/database.ts';
import { AppError, statusForCode } from '../platform/errors.ts';
import type { Metrics } from '../platform/metrics.ts';
import { appendAuditEvents } from '../audit/audit-log.ts';
import { verifyBundle, verifyDsseEnvelope, VerifyError, type Verified } from '../verify/index.ts';
import { parseStatement, toPredicateFacts, type PredicateFacts, type Statement } from '../attest/index.ts';
import { AttestationRepository, type StoredAttestation } from '../graph/attestation.repository.ts';
import { SbomRepository } from '../graph/sbom.repository.ts';
import { notifyArtifacts } from '../graph/change-feed.ts';
import { splitEnvelopes } from './envelopes.ts';
import { sha256Digest } from './body.ts';
import { prepareSbom, writeComponentRows } from './sbom-ingest.service.ts';
import type { TrustStore } from './trust-store.ts';

const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** Stored predicate type for a bundle that signs an artifact directly (no in-toto statement). */
export const MESSAGE_SIGNATURE_TYPE = 'https://sigstore.dev/message-signature';

/**
 * A message-signature bundle signs an artifact's SHA-256 directly. At ingest we have no artifact,
 * so the signature is verified over the digest the bundle carries: a digest the signature does not
 * cover fails verification, so only a signed digest becomes the subject.
 */
function signedDigestOf(bundle: Record<string, unknown>): { artifact: { digest: string } } | Record<string, never> {
  const md = (bundle.messageSignature as { messageDigest?: { algorithm?: unknown; digest?: unknown } } | undefined)?.messageDigest;
  if (md?.algorithm !== 'SHA2_256' || typeof md.digest !== 'string') return {};
  const hex = Buffer.from(md.digest, 'base64').toString('hex');
  return hex.length === 64 ? { artifact: { digest: `sha256:${hex}` } } : {};
}

export class AttestationRejected extends AppError<'STATEMENT_INVALID' | 'DOCUMENT_KIND_CONFLICT'> {}

/** The same refusal, placed on its line of a JSON Lines upload; errors without a status pass as they are. */
function onLine(err: unknown, line: number): unknown {
  const e = err as { code?: unknown; message?: unknown; pointer?: unknown; details?: { pointer?: unknown } };
  if (typeof e?.code !== 'string' || statusForCode(e.code) === undefined || typeof e.message !== 'string') return err;
  const pointer = typeof e.pointer === 'string' ? e.pointer : typeof e.details?.pointer === 'string' ? e.details.pointer : '';
  return new AppError(e.code, `line ${line + 1}: ${e.message}`, { ...(e.details ?? {}), pointer: `/${line}${pointer}` });
}

export interface AttestationResponse {
  id: string;
  digest: string;
  predicateType: string;
  subjects: Array<{ name: string; digest: string }>;
  signer: StoredAttestation['signer'];
  tlog?: StoredAttestation['tlog'];
  tsaTime?: string;
  provenance?: StoredAttestation['provenance'];
  sbom?: StoredAttestation['sbom'];
  /** Every attestation of the upload when it held more than one envelope (.intoto.jsonl). */
  attestations?: Array<Omit<AttestationResponse, 'attestations' | 'digest'>>;
}

interface Processed {
  verified: Verified;
  statement?: Statement;
  facts?: PredicateFacts;
  subjects: Array<{ name: string; digest: string }>;
  predicateType: string;
}

/** One stored attestation as the API shows it (the ingest answer, and GET /v1/attestations/{id}). */
export function attestationJson(a: StoredAttestation): Omit<AttestationResponse, 'attestations' | 'digest'> {
  const r: Omit<AttestationResponse, 'attestations' | 'digest'> = { id: a.id, predicateType: a.predicateType, subjects: a.subjects, signer: a.signer };
  if (a.tlog) r.tlog = a.tlog;
  if (a.tsaTime) r.tsaTime = a.tsaTime;
  if (a.provenance) r.provenance = a.provenance;
  if (a.sbom) r.sbom = a.sbom;
  return r;
}

function toResponse(digest: string, stored: StoredAttestation[]): AttestationResponse {
  const first = stored[0]!;
  const res: AttestationResponse = { ...attestationJson(first), digest };
  if (stored.length > 1) res.attestations = stored.map(attestationJson);
  return res;
}

export class AttestationIngestService {
  private readonly attestations: AttestationRepository;
  private readonly sboms: SbomRepository;

  constructor(
    private readonly db: Database,
    private readonly trust: TrustStore,
    private readonly opts: { strictSbom: boolean; metrics?: Metrics; log?: FastifyBaseLogger; onArtifacts?: (digests: string[]) => void },
  ) {
    this.attestations = new AttestationRepository(db);
    this.sboms = new SbomRepository(db);
  }

  /** Pure part: verify and parse every envelope. Throws coded errors; writes nothing. */
  process(bytes: Buffer): Processed[] {
    const trust = this.trust.trust;
    const envelopes = splitEnvelopes(bytes);
    return envelopes.map((env) => {
      try {
        return this.#processOne(env, trust);
      } catch (err) {
        // In a JSON Lines file, say which line was refused (pointers index lines, as envelopes.ts does).
        throw envelopes.length > 1 ? onLine(err, env.line) : err;
      }
    });
  }

  #processOne(env: ReturnType<typeof splitEnvelopes>[number], trust: TrustStore['trust']): Processed {
    let verified: Verified;
    try {
      verified = env.form === 'bundle' ? verifyBundle(trust, env.json, signedDigestOf(env.json)) : verifyDsseEnvelope(trust, env.json);
    } catch (err) {
      if (err instanceof VerifyError) {
        this.opts.metrics?.verifyFailures.inc({ code: err.code });
        this.opts.log?.warn({ code: err.code, line: env.line, reason: err.message }, 'attestation rejected: verification failed');
      }
      throw err;
    }
    if (verified.envelope === 'message-signature') {
      return { verified, subjects: [{ name: '', digest: verified.messageDigest! }], predicateType: MESSAGE_SIGNATURE_TYPE };
    }
    if (verified.payloadType !== INTOTO_PAYLOAD_TYPE) {
      throw new AttestationRejected('STATEMENT_INVALID', `payloadType ${JSON.stringify(verified.payloadType)} is not an in-toto statement (${INTOTO_PAYLOAD_TYPE})`, { pointer: '/dsseEnvelope/payloadType' });
    }
    const statement = parseStatement(verified.payload!);
    const facts = toPredicateFacts(statement);
    const subjects = statement.subjects.filter((s) => s.sha256).map((s) => ({ name: s.name, digest: s.sha256! }));
    return { verified, statement, facts, subjects, predicateType: statement.predicateType };
  }

  async ingest(req: { bytes: Buffer; service?: string; actor?: string }): Promise<{ created: boolean; body: AttestationResponse }> {
    const digest = sha256Digest(req.bytes);
    const existing = await this.attestations.findByDocumentDigest(digest);
    if (existing.length) {
      this.opts.metrics?.ingests.inc({ kind: 'attestation', result: 'duplicate' });
      return { created: false, body: toResponse(digest, existing) };
    }
    const processed = this.process(req.bytes);
    // SBOM predicates go through the SBOM pipeline (pure part here, before the transaction).
    const sbomPrepared = await Promise.all(processed.map(async (p) => {
      if (p.facts?.kind !== 'cyclonedx' && p.facts?.kind !== 'spdx') return undefined;
      return prepareSbom(Buffer.from(JSON.stringify(p.facts.sbom.document)), 'application/json', this.opts.strictSbom);
    }));
    const allDigests = [...new Set(processed.flatMap((p) => p.subjects.map((s) => s.digest)))];

    const documentId = await withTransaction(this.db.pool, async (client) => {
      const docId = await this.sboms.insertDocument(client, digest, 'attestation', 'application/json', req.bytes);
      if (!docId) return undefined;
      for (const [i, p] of processed.entries()) {
        const f = p.facts;
        const attestationId = await this.attestations.insert(client, {
          documentId: docId, index: i, verified: p.verified,
          statementType: p.statement?.statementType ?? null, predicateType: p.predicateType,
          predicateKind: f?.kind ?? 'other',
          // SBOM predicates are stored as SBOM rows (and the raw document); others keep their predicate.
          predicate: f?.kind === 'cyclonedx' || f?.kind === 'spdx' ? null : p.statement?.predicate,
          subjects: p.subjects,
          provenance: f?.kind === 'slsa-provenance-v0.2' || f?.kind === 'slsa-provenance-v1' ? f.provenance : undefined,
          vsa: f?.kind === 'slsa-vsa-v1' ? f.vsa : undefined,
          service: req.service,
        });
        const sb = sbomPrepared[i];
        if (sb) {
          const { graph, componentIds } = await writeComponentRows(client, sb.assembler);
          await this.sboms.insertSbom(client, docId, {
            format: sb.header.format, encoding: sb.header.encoding, specVersion: sb.header.specVersion,
            serialNumber: sb.header.serialNumber, name: sb.header.name, subject: sb.header.subject,
            artifactDigests: p.subjects.map((s) => s.digest), service: req.service,
            graph, componentIds, findings: sb.findings, attestationId,
          });
        }
      }
      await appendAuditEvents(client, [{
        kind: 'attestation.ingested', actor: req.actor, subject: digest,
        payload: { envelopes: processed.map((p) => ({ predicateType: p.predicateType, subjects: p.subjects.map((s) => s.digest), signer: p.verified.signer.identity ?? p.verified.signer.keyName ?? null })) },
      }]);
      await notifyArtifacts(client, allDigests);
      return docId;
    });
    if (!documentId) {
      const raced = await this.attestations.findByDocumentDigest(digest);
      if (raced.length) return { created: false, body: toResponse(digest, raced) };
      throw new AttestationRejected('DOCUMENT_KIND_CONFLICT', 'These exact bytes were already uploaded as an SBOM.');
    }
    this.opts.onArtifacts?.(allDigests);
    this.opts.metrics?.ingests.inc({ kind: 'attestation', result: 'created' });
    const now = Date.now();
    for (const p of processed) {
      if (p.facts && 'provenance' in p.facts && p.facts.provenance.finishedOn) {
        this.opts.metrics?.provenanceLatency.observe(Math.max(0, (now - p.facts.provenance.finishedOn.getTime()) / 1000));
      }
    }
    return { created: true, body: toResponse(digest, await this.attestations.findByDocument(documentId)) };
  }
}
