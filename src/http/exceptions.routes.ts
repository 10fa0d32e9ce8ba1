import type { FastifyInstance } from 'fastify';
import { withTransaction, type Database } from '../platform/database.ts';
import { AppError, NotFoundError } from '../platform/errors.ts';
import { appendAuditEvents } from '../audit/audit-log.ts';
import { ExceptionRepository, type ExceptionRecord } from '../graph/exception.repository.ts';
import { notifyExceptions } from '../graph/change-feed.ts';
import { canonicalizePurl, PurlError } from '../purl/index.ts';
import { parseDigest } from '../ingest/body.ts';
import { digestPattern, errorResponses, idParams, SMALL_BODY_LIMIT } from './schemas.ts';

export const MAX_EXCEPTION_DAYS = 90;

class ExceptionInvalid extends AppError<'EXCEPTION_INVALID' | 'PURL_INVALID'> {}

/** Pure: the expiry rule. Mandatory, in the future, at most 90 days away. */
export function checkExpiry(expiresAt: Date, now: Date): void {
  if (Number.isNaN(expiresAt.getTime())) throw new ExceptionInvalid('EXCEPTION_INVALID', 'expiresAt is not a date-time.', { pointer: '/expiresAt' });
  if (expiresAt.getTime() <= now.getTime()) throw new ExceptionInvalid('EXCEPTION_INVALID', 'expiresAt must be in the future.', { pointer: '/expiresAt' });
  if (expiresAt.getTime() - now.getTime() > MAX_EXCEPTION_DAYS * 86_400_000) {
    throw new ExceptionInvalid('EXCEPTION_INVALID', `expiresAt must be at most ${MAX_EXCEPTION_DAYS} days away.`, { pointer: '/expiresAt' });
  }
}

export async function exceptionRoutes(app: FastifyInstance, opts: { db: Database; onChange: () => void }): Promise<void> {
  const repo = new ExceptionRepository(opts.db);
  app.post<{ Body: { environment: string; artifact?: string; component?: string; justification: string; owner: string; expiresAt: string } }>('/v1/exceptions', {
    bodyLimit: SMALL_BODY_LIMIT,
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'],
      summary: 'Grant a time-boxed exception: a matching rule failure becomes outcome "exception" until expiresAt (mandatory, at most 90 days away)',
      security: [{ bearer: [] }],
      body: {
        type: 'object',
        properties: {
          environment: { type: 'string', minLength: 1, maxLength: 100 },
          artifact: { type: 'string', pattern: digestPattern },
          component: { type: 'string', minLength: 5, maxLength: 2000, description: 'purl, with or without a version' },
          justification: { type: 'string', minLength: 1, maxLength: 4000 },
          owner: { type: 'string', minLength: 1, maxLength: 200 },
          expiresAt: { type: 'string', format: 'date-time' },
        },
        required: ['environment', 'justification', 'owner', 'expiresAt'],
        anyOf: [{ required: ['artifact'] }, { required: ['component'] }],
        additionalProperties: false,
      },
      response: {
        201: {
          type: 'object',
          properties: {
            id: { type: 'string' }, environment: { type: 'string' }, artifact: { type: 'string' }, component: { type: 'string' },
            owner: { type: 'string' }, justification: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' }, createdAt: { type: 'string', format: 'date-time' },
          },
          required: ['id', 'environment', 'owner', 'justification', 'expiresAt', 'createdAt'],
        },
        ...errorResponses(),
      },
    },
  }, async (request, reply) => {
    const b = request.body;
    const now = new Date();
    const expiresAt = new Date(b.expiresAt);
    checkExpiry(expiresAt, now);
    let component: string | undefined;
    if (b.component) {
      try {
        component = canonicalizePurl(b.component).purl;
      } catch (err) {
        if (err instanceof PurlError) throw new ExceptionInvalid('PURL_INVALID', err.message, { pointer: '/component' });
        throw err;
      }
    }
    const artifact = b.artifact ? parseDigest(b.artifact, '/artifact') : undefined;
    const created = await withTransaction(opts.db.pool, async (c) => {
      const row = await repo.insert(c, { environment: b.environment, artifact, component, owner: b.owner, justification: b.justification, expiresAt, createdBy: request.principal?.name });
      await appendAuditEvents(c, [{ kind: 'exception.granted', actor: request.principal?.name, subject: row.id, payload: { environment: b.environment, artifact: artifact ?? null, component: component ?? null, owner: b.owner, justification: b.justification, expiresAt: expiresAt.toISOString() } }]);
      await notifyExceptions(c);
      return row;
    });
    opts.onChange();
    return reply.code(201).send({
      id: created.id, environment: b.environment, ...(artifact ? { artifact } : {}), ...(component ? { component } : {}),
      owner: b.owner, justification: b.justification, expiresAt: expiresAt.toISOString(), createdAt: created.createdAt.toISOString(),
    });
  });

  app.get<{ Querystring: { environment?: string; all?: boolean } }>('/v1/exceptions', {
    config: { scope: 'read' },
    schema: {
      tags: ['admin'],
      summary: 'The exceptions in force (unexpired, not revoked), newest first, at most 1,000; all=true includes expired and revoked ones',
      security: [{ bearer: [] }],
      querystring: {
        type: 'object',
        properties: { environment: { type: 'string', minLength: 1, maxLength: 100 }, all: { type: 'boolean', default: false } },
        additionalProperties: false,
      },
      response: {
        200: { type: 'object', properties: { exceptions: { type: 'array', items: exceptionRecordSchema } }, required: ['exceptions'] },
        ...errorResponses(),
      },
    },
  }, async (request) => {
    const rows = await repo.list({ now: new Date(), environment: request.query.environment, all: request.query.all === true, limit: 1000 });
    return { exceptions: rows.map(toJson) };
  });

  app.delete<{ Params: { id: string } }>('/v1/exceptions/:id', {
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'],
      summary: 'Revoke an exception before it expires: from the next decision on, on every replica, the failure it waived is a failure again. Revoking a revoked exception changes nothing and answers the same.',
      security: [{ bearer: [] }],
      params: idParams,
      response: { 200: exceptionRecordSchema, ...errorResponses() },
    },
  }, async (request) => {
    const result = await withTransaction(opts.db.pool, async (c) => {
      const r = await repo.revoke(c, request.params.id, request.principal?.name);
      if (r?.revoked) {
        await appendAuditEvents(c, [{ kind: 'exception.revoked', actor: request.principal?.name, subject: r.exception.id, payload: { environment: r.exception.environment, artifact: r.exception.artifact ?? null, component: r.exception.component ?? null } }]);
        await notifyExceptions(c);
      }
      return r;
    });
    if (!result) throw new NotFoundError(`No exception ${request.params.id} exists.`);
    if (result.revoked) opts.onChange();
    return toJson(result.exception);
  });
}

const exceptionRecordSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, environment: { type: 'string' }, artifact: { type: 'string' }, component: { type: 'string' },
    owner: { type: 'string' }, justification: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' }, createdBy: { type: ['string', 'null'] },
    revokedAt: { type: ['string', 'null'], format: 'date-time' }, revokedBy: { type: ['string', 'null'] },
  },
  required: ['id', 'environment', 'owner', 'justification', 'expiresAt', 'createdAt', 'createdBy', 'revokedAt', 'revokedBy'],
} as const;

function toJson(e: ExceptionRecord) {
  return {
    id: e.id, environment: e.environment, ...(e.artifact ? { artifact: e.artifact } : {}), ...(e.component ? { component: e.component } : {}),
    owner: e.owner, justification: e.justification, expiresAt: e.expiresAt.toISOString(), createdAt: e.createdAt.toISOString(),
    createdBy: e.createdBy, revokedAt: e.revokedAt?.toISOString() ?? null, revokedBy: e.revokedBy,
  };
}
