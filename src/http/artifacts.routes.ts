import type { FastifyInstance } from 'fastify';
import type { Database } from '../platform/database.ts';
import { NotFoundError } from '../platform/errors.ts';
import { parseDigest } from '../ingest/body.ts';
import { AttestationRepository } from '../graph/attestation.repository.ts';
import { DecisionRepository } from '../graph/decision.repository.ts';
import { errorResponses } from './schemas.ts';

export async function artifactRoutes(app: FastifyInstance, opts: { db: Database }): Promise<void> {
  const attestations = new AttestationRepository(opts.db);
  const decisions = new DecisionRepository(opts.db);

  app.get<{ Params: { digest: string } }>('/v1/artifacts/:digest', {
    config: { scope: 'read' },
    schema: {
      tags: ['search'],
      summary: 'The provenance view of an artifact: verified attestations and signers, provenance, SBOMs, services, deployments and recent decisions',
      security: [{ bearer: [] }],
      params: { type: 'object', properties: { digest: { type: 'string' } }, required: ['digest'] },
      response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses(404) },
    },
  }, async (request) => {
    const digest = parseDigest(request.params.digest, '/digest');
    const { rows } = await opts.db.pool.query<{ id: string; name: string | null; media_type: string | null; created_at: Date }>(
      'SELECT id, name, media_type, created_at FROM artifact WHERE digest = $1', [digest]);
    const artifact = rows[0];
    if (!artifact) throw new NotFoundError(`No artifact ${digest} is known.`);
    const [atts, sboms, services, deployments, recent] = await Promise.all([
      attestations.findByArtifact(digest),
      opts.db.pool.query(
        `SELECT b.id, b.format, b.spec_version AS "specVersion", b.component_count AS "componentCount", b.attestation_id AS "attestationId",
                b.subject_name AS "subjectName", b.subject_purl AS "subjectPurl", d.digest AS "documentDigest", b.created_at AS "createdAt",
                jsonb_array_length(b.findings) AS "warningCount"
         FROM sbom_artifact sa JOIN sbom b ON b.id = sa.sbom_id JOIN document d ON d.id = b.document_id
         WHERE sa.artifact_id = $1 ORDER BY b.created_at`, [artifact.id]),
      opts.db.pool.query(`SELECT s.name FROM artifact_service x JOIN service s ON s.id = x.service_id WHERE x.artifact_id = $1 ORDER BY s.name`, [artifact.id]),
      opts.db.pool.query(
        `SELECT d.id, s.name AS service, d.environment, d.since, d.until, d.decision_id AS "decisionId"
         FROM deployment d JOIN service s ON s.id = d.service_id WHERE d.artifact_id = $1 ORDER BY d.since DESC`, [artifact.id]),
      decisions.recent(digest, 20),
    ]);
    return {
      digest,
      name: artifact.name ?? undefined,
      firstSeenAt: artifact.created_at.toISOString(),
      attestations: atts.map((a) => ({ id: a.id, predicateType: a.predicateType, signer: a.signer, tlog: a.tlog, tsaTime: a.tsaTime, verifiedAt: a.verifiedAt, subjects: a.subjects })),
      provenance: atts.filter((a) => a.provenance).map((a) => ({ attestationId: a.id, ...a.provenance })),
      sboms: sboms.rows.map((r) => ({ ...r, createdAt: (r.createdAt as Date).toISOString() })),
      services: services.rows.map((r) => r.name as string),
      deployments: deployments.rows.map((r) => ({ id: r.id, service: r.service, environment: r.environment, since: (r.since as Date).toISOString(), until: r.until ? (r.until as Date).toISOString() : null, decisionId: r.decisionId, current: r.until === null })),
      decisions: recent.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })),
    };
  });
}
