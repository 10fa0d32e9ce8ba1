import type pg from 'pg';
import type { Database } from '../platform/database.ts';
import type { Verified } from '../verify/index.ts';
import type { ProvenanceFacts, VsaFacts } from '../attest/index.ts';
import { upsertArtifacts, upsertService, linkArtifactsToService } from './sbom.repository.ts';

export interface NewAttestation {
  documentId: string;
  index: number;
  verified: Verified;
  statementType: string | null;
  predicateType: string;
  predicateKind: string;
  predicate: unknown;
  subjects: Array<{ name: string; digest: string }>;
  provenance?: ProvenanceFacts;
  vsa?: VsaFacts;
  service?: string;
}

export interface StoredAttestation {
  id: string;
  documentId: string;
  /** sha256 of the document (bundle, envelope or JSON Lines) it was verified from. */
  documentDigest: string;
  index: number;
  predicateType: string;
  predicateKind: string;
  signer: { kind: string; issuer?: string; identity?: string; keyId?: string; keyName?: string; trustedRoot?: string; github?: Record<string, string> };
  tlog?: { logIndex: string; integratedTime?: string };
  tsaTime?: string;
  subjects: Array<{ name: string; digest: string }>;
  provenance?: { builderId: string; buildType?: string; sourceRepo?: string; sourceRef?: string; sourceCommit?: string; invocationId?: string; runId?: string; startedOn?: string; finishedOn?: string };
  sbom?: { id: string; componentCount: number };
  verifiedAt: string;
}

const clean = <T extends Record<string, unknown>>(o: T): T => {
  for (const k of Object.keys(o)) if (o[k] === null || o[k] === undefined) delete o[k];
  return o;
};

export class AttestationRepository {
  constructor(private readonly db: Database) {}

  async insert(client: pg.ClientBase, a: NewAttestation): Promise<string> {
    const v = a.verified;
    const s = v.signer;
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO attestation (document_id, envelope_index, envelope, payload_type, statement_type, predicate_type, predicate_kind, predicate,
         signer_kind, signer_issuer, signer_identity, signer_key_name, signer_key_id, signer_github, trusted_root,
         tlog_log_index, tlog_log_id, tlog_integrated_time, tsa_time)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8::jsonb,$9,$10,$11,$12,$13,$14::jsonb,$15,$16,$17,$18,$19) RETURNING id`,
      [a.documentId, a.index, v.envelope, v.payloadType ?? null, a.statementType, a.predicateType, a.predicateKind,
        a.predicate === undefined ? null : JSON.stringify(a.predicate),
        s.kind, s.issuer ?? null, s.identity ?? null, s.keyName ?? null, s.keyId ?? null, s.github ? JSON.stringify(s.github) : null, s.trustedRoot ?? null,
        v.tlog?.logIndex ?? null, v.tlog?.logId ?? null, v.tlog?.integratedTime ?? null, v.tsaTime ?? null],
    );
    const id = rows[0]!.id;
    const digests = [...new Set(a.subjects.map((x) => x.digest))];
    const artifacts = await upsertArtifacts(client, digests);
    const names = new Map(a.subjects.map((x) => [x.digest, x.name]));
    await client.query(
      `INSERT INTO attestation_subject (attestation_id, artifact_id, name)
       SELECT $1, a, n FROM unnest($2::bigint[], $3::text[]) AS t(a, n) ON CONFLICT DO NOTHING`,
      [id, digests.map((d) => artifacts.get(d)!), digests.map((d) => names.get(d) ?? null)],
    );
    if (a.service) await linkArtifactsToService(client, [...artifacts.values()], await upsertService(client, a.service));
    if (a.provenance) {
      const p = a.provenance;
      await client.query(
        `INSERT INTO provenance (attestation_id, builder_id, build_type, source_uri, source_repo, source_ref, source_commit, invocation_id, run_id, started_on, finished_on, materials)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12::jsonb)`,
        [id, p.builderId, p.buildType ?? null, p.sourceUri ?? null, p.sourceRepo ?? null, p.sourceRef ?? null, p.sourceCommit ?? null,
          p.invocationId ?? null, p.runId ?? null, p.startedOn ?? null, p.finishedOn ?? null, JSON.stringify(p.materials)],
      );
    }
    // Where-used ?vulnerability= reads these rows, not the predicate (migration 20261204000000).
    if (a.predicateKind === 'openvex') await client.query('SELECT attestant_index_vex($1)', [id]);
    if (a.vsa) {
      const x = a.vsa;
      await client.query(
        `INSERT INTO vsa (attestation_id, verifier_id, verification_result, verified_levels, policy_uri, resource_uri, time_verified) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
        [id, x.verifierId, x.verificationResult, x.verifiedLevels, x.policyUri ?? null, x.resourceUri ?? null, x.timeVerified ?? null],
      );
    }
    return id;
  }

  /** The stored view of every attestation in one document, in envelope order. */
  async findByDocument(documentId: string): Promise<StoredAttestation[]> {
    return this.query('a.document_id = $1', [documentId]);
  }

  async findById(id: string): Promise<StoredAttestation | undefined> {
    return (await this.query('a.id = $1', [id]))[0];
  }

  async findByDocumentDigest(digest: string): Promise<StoredAttestation[]> {
    return this.query('a.document_id = (SELECT id FROM document WHERE digest = $1)', [digest]);
  }

  /** Every verified attestation whose subject is the artifact. Index: attestation_subject_artifact_idx. */
  async findByArtifact(digest: string): Promise<StoredAttestation[]> {
    return this.query('a.id IN (SELECT s.attestation_id FROM attestation_subject s JOIN artifact x ON x.id = s.artifact_id WHERE x.digest = $1)', [digest]);
  }

  private async query(where: string, params: unknown[]): Promise<StoredAttestation[]> {
    const { rows } = await this.db.pool.query(
      `SELECT a.id, a.document_id, a.envelope_index, a.predicate_type, a.predicate_kind, a.signer_kind, a.signer_issuer, a.signer_identity,
              a.signer_key_id, a.signer_key_name, a.trusted_root, a.signer_github, a.tlog_log_index, a.tlog_integrated_time, a.tsa_time, a.verified_at,
              (SELECT json_agg(json_build_object('name', coalesce(s.name, ''), 'digest', x.digest) ORDER BY x.digest)
                 FROM attestation_subject s JOIN artifact x ON x.id = s.artifact_id WHERE s.attestation_id = a.id) AS subjects,
              p.builder_id, p.build_type, p.source_repo, p.source_ref, p.source_commit, p.invocation_id, p.run_id, p.started_on, p.finished_on,
              b.id AS sbom_id, b.component_count, d.digest AS document_digest
       FROM attestation a
       JOIN document d ON d.id = a.document_id
       LEFT JOIN provenance p ON p.attestation_id = a.id
       LEFT JOIN sbom b ON b.attestation_id = a.id
       WHERE ${where}
       ORDER BY a.verified_at, a.envelope_index`,
      params,
    );
    return rows.map((r) => {
      const out: StoredAttestation = {
        id: r.id, documentId: r.document_id, documentDigest: r.document_digest, index: r.envelope_index, predicateType: r.predicate_type, predicateKind: r.predicate_kind,
        signer: clean({ kind: r.signer_kind, issuer: r.signer_issuer, identity: r.signer_identity, keyId: r.signer_key_id, keyName: r.signer_key_name, trustedRoot: r.trusted_root, github: r.signer_github }),
        subjects: r.subjects ?? [],
        verifiedAt: (r.verified_at as Date).toISOString(),
      };
      if (r.tlog_log_index !== null) out.tlog = clean({ logIndex: String(r.tlog_log_index), integratedTime: r.tlog_integrated_time ? (r.tlog_integrated_time as Date).toISOString() : undefined });
      if (r.tsa_time) out.tsaTime = (r.tsa_time as Date).toISOString();
      if (r.builder_id) {
        out.provenance = clean({
          builderId: r.builder_id, buildType: r.build_type, sourceRepo: r.source_repo, sourceRef: r.source_ref, sourceCommit: r.source_commit,
          invocationId: r.invocation_id, runId: r.run_id,
          startedOn: r.started_on ? (r.started_on as Date).toISOString() : undefined, finishedOn: r.finished_on ? (r.finished_on as Date).toISOString() : undefined,
        });
      }
      if (r.sbom_id) out.sbom = { id: r.sbom_id, componentCount: r.component_count };
      return out;
    });
  }
}
