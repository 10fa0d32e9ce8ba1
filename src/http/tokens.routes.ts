import type { FastifyInstance } from 'fastify';
import { SCOPES } from '../platform/scopes.ts';
import { generateToken, hashToken } from '../platform/tokens.ts';
import { mintToken } from '../graph/token-mint.ts';
import { AppError, NotFoundError } from '../platform/errors.ts';
import { withTransaction, type Database } from '../platform/database.ts';
import type { TokenRecord, TokenRepository } from '../graph/token.repository.ts';
import { notifyTokens } from '../graph/change-feed.ts';
import { appendAuditEvents } from '../audit/audit-log.ts';
import { errorResponses, idParams, SMALL_BODY_LIMIT } from './schemas.ts';

class TokenRequestError extends AppError<'BAD_REQUEST'> {}

const tokenRecordSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
  },
  required: ['id', 'name', 'scopes', 'createdAt', 'revokedAt', 'expiresAt'],
} as const;

const toJson = (t: TokenRecord) => ({ id: t.id, name: t.name, scopes: t.scopes, createdAt: t.createdAt.toISOString(), revokedAt: t.revokedAt?.toISOString() ?? null, expiresAt: t.expiresAt?.toISOString() ?? null });

export async function tokenRoutes(app: FastifyInstance, opts: { db: Database; tokens: TokenRepository; onRevoked: () => void }): Promise<void> {
  app.post<{ Body: { name: string; scopes: string[]; expiresAt?: string } }>('/v1/tokens', {
    bodyLimit: SMALL_BODY_LIMIT,
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'],
      summary: 'Mint an API token. The secret is returned once; only its SHA-256 is stored.',
      security: [{ bearer: [] }],
      body: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          scopes: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...SCOPES] } },
          expiresAt: { type: 'string', format: 'date-time', description: 'Refused from then on, as if revoked. Left out: valid until revoked.' },
        },
        required: ['name', 'scopes'],
        additionalProperties: false,
      },
      response: {
        201: {
          type: 'object',
          properties: {
            id: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } },
            token: { type: 'string', description: 'The secret. Shown only in this response.' }, createdAt: { type: 'string', format: 'date-time' },
            expiresAt: { type: ['string', 'null'], format: 'date-time' },
          },
          required: ['id', 'name', 'scopes', 'token', 'createdAt', 'expiresAt'],
        },
        ...errorResponses(),
      },
    },
  }, async (request, reply) => {
    const expiresAt = request.body.expiresAt === undefined ? undefined : new Date(request.body.expiresAt);
    if (expiresAt && !(expiresAt.getTime() > Date.now())) throw new TokenRequestError('BAD_REQUEST', 'expiresAt must be in the future.', { pointer: '/expiresAt' });
    const secret = generateToken();
    const created = await mintToken(opts.db, opts.tokens, { name: request.body.name, tokenHash: hashToken(secret), scopes: request.body.scopes, expiresAt }, request.principal?.name);
    // revokedAt (null) is not in the 201 schema, so the serializer leaves it out.
    return reply.code(201).send({ ...toJson(created), token: secret });
  });

  app.get('/v1/tokens', {
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'],
      summary: 'List the stored API tokens, revoked ones included (never a secret or a hash). ATTESTANT_ADMIN_TOKEN is configuration, not a stored token, and is not listed.',
      security: [{ bearer: [] }],
      response: {
        200: { type: 'object', properties: { tokens: { type: 'array', items: tokenRecordSchema } }, required: ['tokens'] },
        ...errorResponses(),
      },
    },
  }, async () => ({ tokens: (await opts.tokens.list()).map(toJson) }));

  app.delete<{ Params: { id: string } }>('/v1/tokens/:id', {
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'],
      summary: 'Revoke an API token: it is refused from then on, on every replica (a change notice clears their caches of verified tokens). Revoking a revoked token changes nothing and answers the same.',
      security: [{ bearer: [] }],
      params: idParams,
      response: { 200: tokenRecordSchema, ...errorResponses() },
    },
  }, async (request) => {
    const result = await withTransaction(opts.db.pool, async (c) => {
      const r = await opts.tokens.revoke(c, request.params.id);
      if (r?.revoked) {
        await appendAuditEvents(c, [{ kind: 'token.revoked', actor: request.principal?.name, subject: r.token.id, payload: { name: r.token.name, scopes: r.token.scopes } }]);
        await notifyTokens(c);
      }
      return r;
    });
    if (!result) throw new NotFoundError(`No token ${request.params.id} exists.`);
    // This process need not wait for its own notice.
    if (result.revoked) opts.onRevoked();
    return toJson(result.token);
  });
}
