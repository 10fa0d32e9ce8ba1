import type { FastifyInstance } from 'fastify';
import { toResponse, type SbomIngestService } from '../ingest/sbom-ingest.service.ts';
import { BodyError, parseDigest } from '../ingest/body.ts';
import { SpooledBody } from '../ingest/body-spool.ts';
import type { Readable } from 'node:stream';
import { digestPattern, errorResponses, idParams } from './schemas.ts';
import type { Database } from '../platform/database.ts';
import { NotFoundError } from '../platform/errors.ts';
import { SbomRepository } from '../graph/sbom.repository.ts';
import { DocumentRepository } from '../graph/document.repository.ts';
import { attestationMediaType, sbomMediaType, sendStoredDocument } from './document-response.ts';

const findingSchema = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' }, pointer: { type: 'string' } },
  required: ['code', 'message'],
} as const;

export const SBOM_CONTENT_TYPES = [
  'application/vnd.cyclonedx+json', 'application/vnd.cyclonedx+xml', 'application/spdx+json', 'text/spdx',
  'application/json', 'application/xml', 'text/xml', 'text/plain', 'application/gzip',
];

export async function sbomRoutes(app: FastifyInstance, opts: { service: SbomIngestService; db: Database; strictDefault: boolean; bodyLimit: number }): Promise<void> {
  // SBOMs are stored byte-exact and hashed, so this route takes the raw body whatever its type,
  // as a stream: the handler spools it (SpooledBody) instead of buffering up to 50 MB.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.post<{ Querystring: { artifact?: string; name?: string; service?: string; strict?: boolean } }>('/v1/sboms', {
    config: { scope: 'ingest' },
    schema: {
      tags: ['ingest'],
      summary: 'Upload an SBOM (CycloneDX JSON/XML 1.2-1.7, SPDX 2.2/2.3 JSON or tag-value; gzip accepted)',
      description: 'The body is the raw document. 201 for a new document, 200 when the same bytes were stored before. Schema findings are returned as warnings; with strict=true (or ATTESTANT_STRICT_SBOM=true) they reject the document with 422.',
      security: [{ bearer: [] }],
      consumes: SBOM_CONTENT_TYPES,
      querystring: {
        type: 'object',
        properties: {
          artifact: { type: 'string', description: 'sha256:<hex> digest of the artifact this SBOM describes' },
          name: { type: 'string', maxLength: 500 },
          service: { type: 'string', minLength: 1, maxLength: 200, description: 'The service the artifact is built for' },
          strict: { type: 'boolean' },
        },
        additionalProperties: false,
      },
      response: {
        200: { $ref: 'SbomIngestResult#' },
        201: { $ref: 'SbomIngestResult#' },
        ...errorResponses(413, 415, 422),
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    const artifact = q.artifact ? parseDigest(q.artifact, '/artifact') : undefined;
    const declared = Number(request.headers['content-length']);
    if (declared > opts.bodyLimit) {
      (request.body as Readable | undefined)?.resume();
      throw new BodyError('PAYLOAD_TOO_LARGE', 'The request body exceeds the configured limit (ATTESTANT_BODY_LIMIT).');
    }
    const body = request.body
      ? await SpooledBody.fromStream(request.body as Readable, { contentEncoding: request.headers['content-encoding'], limit: opts.bodyLimit })
      : SpooledBody.fromBuffer(Buffer.alloc(0));
    let result;
    try {
      result = await opts.service.ingest({
        body,
        contentType: request.headers['content-type'],
        artifact,
        name: q.name,
        service: q.service,
        strict: q.strict ?? opts.strictDefault,
        actor: request.principal?.name,
      });
    } finally {
      await body.dispose();
    }
    return reply.code(result.created ? 201 : 200).send(result.body);
  });

  const sboms = new SbomRepository(opts.db);
  const documents = new DocumentRepository(opts.db);
  const find = async (id: string) => {
    const r = await sboms.findRecord(id);
    if (!r) throw new NotFoundError(`No SBOM ${id} is stored.`);
    return r;
  };

  app.get<{ Params: { id: string } }>('/v1/sboms/:id', {
    config: { scope: 'read' },
    schema: {
      tags: ['search'],
      summary: 'A stored SBOM: format, subject, component count, validation warnings, the artifacts it is bound to',
      security: [{ bearer: [] }],
      params: idParams,
      response: { 200: { $ref: 'SbomRecord#' }, ...errorResponses(404) },
    },
  }, async (request) => {
    const r = await find(request.params.id);
    return { ...toResponse(r), encoding: r.encoding, artifacts: r.artifacts, attestationId: r.attestationId, createdAt: r.createdAt.toISOString() };
  });

  app.get<{ Params: { id: string } }>('/v1/sboms/:id/document', {
    config: { scope: 'read' },
    schema: {
      tags: ['search'],
      summary: 'The SBOM document exactly as uploaded (decompressed if it was sent gzipped), for other tools; Repr-Digest carries its SHA-256. An SBOM that arrived inside an attestation answers that attestation\'s document, the signed evidence it was read from.',
      security: [{ bearer: [] }],
      params: idParams,
      produces: ['application/vnd.cyclonedx+json', 'application/vnd.cyclonedx+xml', 'application/spdx+json', 'text/spdx', 'application/vnd.dev.sigstore.bundle.v0.3+json'],
      response: { 200: { description: 'The document bytes', type: 'string', format: 'binary' }, ...errorResponses(404) },
    },
  }, async (request, reply) => {
    const r = await find(request.params.id);
    return sendStoredDocument(reply, documents, r.documentId, `SBOM ${r.id}`, r.attestationId ? attestationMediaType : () => sbomMediaType(r.format, r.encoding));
  });
}

export const sbomIngestResultSchema = {
  $id: 'SbomIngestResult',
  type: 'object',
  properties: {
    id: { type: 'string' },
    digest: { type: 'string', pattern: digestPattern },
    format: { type: 'string', enum: ['cyclonedx', 'spdx'] },
    specVersion: { type: 'string' },
    subject: { type: 'object', properties: { digest: { type: 'string' }, name: { type: 'string' }, purl: { type: 'string' } } },
    componentCount: { type: 'integer' },
    warnings: { type: 'array', items: findingSchema },
  },
  required: ['id', 'digest', 'format', 'specVersion', 'subject', 'componentCount', 'warnings'],
} as const;

export const sbomRecordSchema = {
  $id: 'SbomRecord',
  type: 'object',
  properties: {
    ...sbomIngestResultSchema.properties,
    encoding: { type: 'string', enum: ['json', 'xml', 'tag-value'] },
    artifacts: { type: 'array', items: { type: 'string', pattern: digestPattern }, description: 'Every artifact the SBOM is bound to' },
    attestationId: { type: ['string', 'null'], description: 'The attestation it arrived in (an SBOM predicate), else null' },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'digest', 'format', 'specVersion', 'subject', 'componentCount', 'warnings', 'encoding', 'artifacts', 'attestationId', 'createdAt'],
} as const;
