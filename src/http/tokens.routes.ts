import type { FastifyInstance } from 'fastify';
import { SCOPES } from '../platform/scopes.ts';
import { generateToken, hashToken } from '../platform/tokens.ts';
import type { TokenRepository } from '../graph/token.repository.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { errorResponses, SMALL_BODY_LIMIT } from './schemas.ts';

export async function tokenRoutes(app: FastifyInstance, opts: { tokens: TokenRepository; audit: AuditLog }): Promise<void> {
  app.post<{ Body: { name: string; scopes: string[] } }>('/v1/tokens', {
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
          },
          required: ['id', 'name', 'scopes', 'token', 'createdAt'],
        },
        ...errorResponses(),
      },
    },
  }, async (request, reply) => {
    const secret = generateToken();
    const created = await opts.tokens.create(request.body.name, hashToken(secret), request.body.scopes);
    await opts.audit.append({ kind: 'token.minted', actor: request.principal?.name, subject: created.id, payload: { name: created.name, scopes: created.scopes } });
    return reply.code(201).send({ ...created, token: secret, createdAt: created.createdAt.toISOString() });
  });
}
