import type { FastifyInstance } from 'fastify';
import type { DecisionService } from '../decide/decision.service.ts';
import { decisionResponseBytes } from '../decide/decision-json.ts';
import { parseDigest } from '../ingest/body.ts';
import { withTransaction, type Database } from '../platform/database.ts';
import { appendAuditEvents } from '../audit/audit-log.ts';
import { recordDeployment } from '../graph/deployment.repository.ts';
import { digestPattern, errorResponses, SMALL_BODY_LIMIT } from './schemas.ts';

const reasonSchema = {
  type: 'object',
  properties: {
    rule: { type: 'string' },
    outcome: { type: 'string', enum: ['pass', 'fail', 'exception', 'warn'] },
    message: { type: 'string' },
    evidence: { type: 'object', additionalProperties: true },
  },
  required: ['rule', 'outcome', 'message'],
} as const;

export const decisionResultSchema = {
  $id: 'DecisionResult',
  type: 'object',
  properties: {
    decisionId: { type: 'string' },
    allowed: { type: 'boolean' },
    outcome: { type: 'string', enum: ['allow', 'deny', 'exception', 'warn', 'dry-run-deny'] },
    mode: { type: 'string', enum: ['enforce', 'warn', 'dry-run'] },
    environment: { type: 'string' },
    artifact: { type: 'string' },
    service: { type: 'string' },
    policy: { type: 'object', properties: { name: { type: 'string' }, digest: { type: 'string' } }, required: ['name', 'digest'] },
    reasons: { type: 'array', items: reasonSchema },
    deployment: { type: 'object', properties: { id: { type: 'string' }, since: { type: 'string', format: 'date-time' } } },
  },
  required: ['decisionId', 'allowed', 'outcome', 'mode', 'environment', 'artifact', 'reasons'],
} as const;

const envName = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$' } as const;
const serviceName = { type: 'string', minLength: 1, maxLength: 200 } as const;

export async function decisionRoutes(app: FastifyInstance, opts: { decisions: DecisionService; db: Database }): Promise<void> {
  app.post<{ Body: { artifact: string; environment: string; service?: string; record?: boolean } }>('/v1/decisions', {
    bodyLimit: SMALL_BODY_LIMIT,
    // Every decision is in the audit log with its id; per-request info logs at thousands per
    // second would only be noise (warnings and errors are still logged).
    logLevel: 'warn',
    config: { scope: 'decide' },
    schema: {
      tags: ['decide'],
      summary: 'Is this artifact allowed in this environment? A deny is a 200 with allowed: false and reasons; 503 when no decision can be made.',
      security: [{ bearer: [] }],
      body: {
        type: 'object',
        properties: {
          artifact: { type: 'string', pattern: digestPattern },
          environment: envName,
          service: serviceName,
          record: { type: 'boolean', description: 'Also record a deployment (service required) when allowed' },
        },
        required: ['artifact', 'environment'],
        additionalProperties: false,
      },
      response: { 200: { $ref: 'DecisionResult#' }, ...errorResponses(503) },
    },
  }, (request, reply) => {
    const b = request.body;
    // The callback form: the hottest route spends no promise between request and answer.
    opts.decisions.decideThen({ artifact: b.artifact, environment: b.environment, service: b.service, record: b.record, actor: request.principal?.name }, (err, res) => {
      // Serialized here rather than by the response schema: the reasons are already JSON (the
      // audit log stored that text, and its bytes are kept with it). Nothing here may throw: an
      // error is sent, as Fastify would send one an async handler threw.
      let body: Buffer;
      try {
        if (err !== undefined) throw err;
        body = decisionResponseBytes(res!);
      } catch (e) {
        reply.send(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      reply.type('application/json; charset=utf-8').send(body);
    });
  });

  app.post<{ Body: { artifact: string; service: string; environment: string } }>('/v1/deployments', {
    bodyLimit: SMALL_BODY_LIMIT,
    config: { scope: 'decide' },
    schema: {
      tags: ['decide'],
      summary: 'Record that an artifact now runs as a service in an environment (the previous one in that slot is closed, history kept)',
      security: [{ bearer: [] }],
      body: {
        type: 'object',
        properties: { artifact: { type: 'string', pattern: digestPattern }, service: serviceName, environment: envName },
        required: ['artifact', 'service', 'environment'],
        additionalProperties: false,
      },
      response: {
        201: {
          type: 'object',
          properties: { id: { type: 'string' }, artifact: { type: 'string' }, service: { type: 'string' }, environment: { type: 'string' }, since: { type: 'string', format: 'date-time' }, replaced: { type: ['string', 'null'] } },
          required: ['id', 'artifact', 'service', 'environment', 'since'],
        },
        ...errorResponses(),
      },
    },
  }, async (request, reply) => {
    const b = request.body;
    const artifact = parseDigest(b.artifact, '/artifact');
    const dep = await withTransaction(opts.db.pool, async (c) => {
      const d = await recordDeployment(c, { artifact, service: b.service, environment: b.environment });
      await appendAuditEvents(c, [{ kind: 'deployment.recorded', actor: request.principal?.name, subject: artifact, payload: { deploymentId: d.id, service: b.service, environment: b.environment } }]);
      return d;
    });
    return reply.code(201).send({ id: dep.id, artifact, service: b.service, environment: b.environment, since: dep.since.toISOString(), replaced: dep.replaced });
  });
}
