import type { FastifyInstance } from 'fastify';
import { attestationJson, type AttestationIngestService } from '../ingest/attestation-ingest.service.ts';
import type { TrustStore } from '../ingest/trust-store.ts';
import { decodeBody } from '../ingest/body.ts';
import { verifyBundle, verifyDsseEnvelope, VerifyError, type Expectation } from '../verify/index.ts';
import { digestPattern, errorResponses, idParams, VERIFY_BODY_LIMIT } from './schemas.ts';
import type { Database } from '../platform/database.ts';
import { NotFoundError } from '../platform/errors.ts';
import { AttestationRepository } from '../graph/attestation.repository.ts';
import { DocumentRepository } from '../graph/document.repository.ts';
import { attestationMediaType, sendStoredDocument } from './document-response.ts';

const signerSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['keyless', 'key'] }, issuer: { type: 'string' }, identity: { type: 'string' },
    keyId: { type: 'string' }, keyName: { type: 'string' }, trustedRoot: { type: 'string' },
    github: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: ['kind'],
} as const;

const attestationProps = {
  id: { type: 'string' },
  predicateType: { type: 'string' },
  subjects: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, digest: { type: 'string' } }, required: ['name', 'digest'] } },
  signer: signerSchema,
  tlog: { type: 'object', properties: { logIndex: { type: 'string' }, integratedTime: { type: 'string', format: 'date-time' } }, required: ['logIndex'] },
  tsaTime: { type: 'string', format: 'date-time' },
  provenance: {
    type: 'object',
    properties: {
      builderId: { type: 'string' }, buildType: { type: 'string' }, sourceRepo: { type: 'string' }, sourceRef: { type: 'string' }, sourceCommit: { type: 'string' },
      invocationId: { type: 'string' }, runId: { type: 'string' }, startedOn: { type: 'string', format: 'date-time' }, finishedOn: { type: 'string', format: 'date-time' },
    },
    required: ['builderId'],
  },
  sbom: { type: 'object', properties: { id: { type: 'string' }, componentCount: { type: 'integer' } }, required: ['id', 'componentCount'] },
} as const;

export const attestationResultSchema = {
  $id: 'AttestationResult',
  type: 'object',
  properties: {
    ...attestationProps,
    digest: { type: 'string', pattern: digestPattern },
    attestations: { type: 'array', items: { type: 'object', properties: attestationProps, required: ['id', 'predicateType', 'subjects', 'signer'] } },
  },
  required: ['id', 'digest', 'predicateType', 'subjects', 'signer'],
} as const;

export const attestationRecordSchema = {
  $id: 'AttestationRecord',
  type: 'object',
  properties: {
    ...attestationProps,
    digest: { type: 'string', pattern: digestPattern, description: 'sha256 of the document it was verified from' },
    envelopeIndex: { type: 'integer', description: 'Its line in a JSON Lines document (0 otherwise)' },
    predicateKind: { type: 'string' },
    verifiedAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'digest', 'envelopeIndex', 'predicateType', 'predicateKind', 'subjects', 'signer', 'verifiedAt'],
} as const;

export const ATTESTATION_CONTENT_TYPES = [
  'application/vnd.dev.sigstore.bundle.v0.3+json', 'application/vnd.dev.sigstore.bundle+json', 'application/vnd.dsse.envelope.v1+json',
  'application/vnd.in-toto+jsonl', 'application/jsonl', 'application/x-ndjson', 'application/json', 'application/gzip',
];

export async function attestationRoutes(app: FastifyInstance, opts: { service: AttestationIngestService; trust: TrustStore; db: Database; bodyLimit: number }): Promise<void> {
  // Signed payloads are verified over the exact bytes received: never parse-and-reserialise first.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post<{ Querystring: { service?: string } }>('/v1/attestations', {
    config: { scope: 'ingest' },
    schema: {
      tags: ['ingest'],
      summary: 'Upload a signed attestation: a Sigstore bundle (v0.1-v0.3, DSSE or message signature), a bare DSSE envelope signed with a configured key, or .intoto.jsonl',
      description: 'Every signature is verified before anything is stored. 201 when new, 200 when the same bytes were stored before; 422 with a code (VERIFY_SIGNATURE, VERIFY_CERTIFICATE, VERIFY_TLOG, VERIFY_TIMESTAMP, UNTRUSTED_ROOT, UNKNOWN_KEY, MALFORMED_BUNDLE, SUBJECT_MISMATCH, STATEMENT_INVALID, …) when rejected.',
      security: [{ bearer: [] }],
      consumes: ATTESTATION_CONTENT_TYPES,
      querystring: { type: 'object', properties: { service: { type: 'string', minLength: 1, maxLength: 200 } }, additionalProperties: false },
      response: { 200: { $ref: 'AttestationResult#' }, 201: { $ref: 'AttestationResult#' }, ...errorResponses(409, 413, 422) },
    },
  }, async (request, reply) => {
    const bytes = decodeBody((request.body as Buffer | undefined) ?? Buffer.alloc(0), request.headers['content-encoding'], opts.bodyLimit);
    const r = await opts.service.ingest({ bytes, service: request.query.service, actor: request.principal?.name });
    return reply.code(r.created ? 201 : 200).send(r.body);
  });

  const attestations = new AttestationRepository(opts.db);
  const documents = new DocumentRepository(opts.db);
  const find = async (id: string) => {
    const a = await attestations.findById(id);
    if (!a) throw new NotFoundError(`No attestation ${id} is stored.`);
    return a;
  };

  app.get<{ Params: { id: string } }>('/v1/attestations/:id', {
    config: { scope: 'read' },
    schema: {
      tags: ['search'],
      summary: 'A stored (verified) attestation: predicate type, subjects, signer, transparency log entry, provenance',
      security: [{ bearer: [] }],
      params: idParams,
      response: { 200: { $ref: 'AttestationRecord#' }, ...errorResponses(404) },
    },
  }, async (request) => {
    const a = await find(request.params.id);
    return { ...attestationJson(a), digest: a.documentDigest, envelopeIndex: a.index, predicateKind: a.predicateKind, verifiedAt: a.verifiedAt };
  });

  app.get<{ Params: { id: string } }>('/v1/attestations/:id/document', {
    config: { scope: 'read' },
    schema: {
      tags: ['search'],
      summary: 'The document the attestation was verified from, byte for byte (a Sigstore bundle, DSSE envelope or .intoto.jsonl): verify it again anywhere, e.g. with cosign verify-blob-attestation or slsa-verifier. Repr-Digest carries its SHA-256.',
      security: [{ bearer: [] }],
      params: idParams,
      produces: ['application/vnd.dev.sigstore.bundle.v0.3+json', 'application/vnd.dsse.envelope.v1+json', 'application/vnd.in-toto+jsonl', 'application/json'],
      response: { 200: { description: 'The document bytes', type: 'string', format: 'binary' }, ...errorResponses(404) },
    },
  }, async (request, reply) => {
    const a = await find(request.params.id);
    return sendStoredDocument(reply, documents, a.documentId, `attestation ${a.id}`, attestationMediaType);
  });
}

export async function verifyRoutes(app: FastifyInstance, opts: { trust: TrustStore }): Promise<void> {
  app.post('/v1/verify', {
    bodyLimit: VERIFY_BODY_LIMIT,
    config: { scope: 'read' },
    schema: {
      tags: ['verify'],
      summary: 'Stateless verification of a bundle against the configured trust (or a given trusted root); stores nothing',
      security: [{ bearer: [] }],
      consumes: ['application/json'],
      body: {
        type: 'object',
        properties: {
          bundle: { type: ['object', 'string'], description: 'Sigstore bundle or DSSE envelope, as JSON or as its text' },
          artifactDigest: { type: 'string', pattern: digestPattern },
          expect: {
            type: 'object',
            properties: { identity: { type: 'string' }, issuer: { type: 'string' }, publicKey: { type: 'string' }, keyName: { type: 'string' } },
            additionalProperties: false,
          },
          trustedRoot: { type: 'object', description: 'trusted_root.json to verify against instead of the configured trust' },
        },
        required: ['bundle'],
        additionalProperties: false,
      },
      response: {
        200: { type: 'object', properties: { verified: { type: 'boolean' }, code: { type: 'string' }, message: { type: 'string' }, signer: signerSchema }, required: ['verified'] },
        ...errorResponses(),
      },
    },
  }, async (request) => {
    const body = request.body as { bundle: Record<string, unknown> | string; artifactDigest?: string; expect?: { identity?: string; issuer?: string; publicKey?: string; keyName?: string }; trustedRoot?: unknown };
    let expect: Expectation | undefined;
    const e = body.expect;
    if (e?.publicKey) expect = { publicKeyPem: e.publicKey };
    else if (e?.keyName) expect = { keyName: e.keyName };
    else if (e?.identity && e.issuer) expect = { identity: e.identity, issuer: e.issuer };
    try {
      let bundle: unknown = body.bundle;
      if (typeof bundle === 'string') {
        try {
          bundle = JSON.parse(bundle);
        } catch (err) {
          throw new VerifyError('MALFORMED_BUNDLE', `the bundle is not JSON: ${(err as Error).message}`);
        }
      }
      const b = (bundle ?? {}) as Record<string, unknown>;
      const isDsse = typeof b.payloadType === 'string' && Array.isArray(b.signatures);
      const artifact = body.artifactDigest ? { digest: body.artifactDigest } : undefined;
      const v = isDsse
        ? verifyDsseEnvelope(opts.trust.trust, b, { artifact, keyName: e?.keyName })
        : verifyBundle(opts.trust.trust, b, { artifact, expect, trustedRootJson: body.trustedRoot });
      return { verified: true, signer: Object.fromEntries(Object.entries(v.signer).filter(([, x]) => x !== undefined)) };
    } catch (err) {
      if (err instanceof VerifyError) return { verified: false, code: err.code, message: err.message };
      throw err;
    }
  });
}
