import type { FastifyInstance } from 'fastify';
import { makeProblem, sendProblem } from '../platform/problem.plugin.ts';
import type { Drain } from '../platform/drain.ts';

export interface ReadinessCheck { name: string; check(): Promise<boolean> | boolean }

export async function healthRoutes(app: FastifyInstance, opts: { checks: ReadinessCheck[]; drain: Drain }): Promise<void> {
  app.get('/healthz', {
    config: { scope: 'public' },
    schema: {
      tags: ['operations'],
      summary: 'Liveness: the process is serving requests',
      response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } },
    },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    config: { scope: 'public' },
    schema: {
      tags: ['operations'],
      summary: 'Readiness: database reachable and writable, migrations applied, trust and policy loaded, and not shutting down',
      response: {
        200: { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'boolean' } } }, required: ['status', 'checks'] },
        503: { $ref: 'Problem#' },
      },
    },
  }, async (request, reply) => {
    // Not ready from the first moment of a shutdown, whatever else holds: this answer is what
    // takes the replica out of the Service before it stops listening.
    if (opts.drain.draining) return sendProblem(reply, request, makeProblem(503, 'SHUTTING_DOWN', 'Shutting down: still answering requests while new work moves to other replicas, then closing.'));
    const checks: Record<string, boolean> = {};
    await Promise.all(opts.checks.map(async (c) => {
      try { checks[c.name] = await c.check(); } catch { checks[c.name] = false; }
    }));
    if (Object.values(checks).every(Boolean)) return { status: 'ready', checks };
    return sendProblem(reply, request, makeProblem(503, 'NOT_READY', `Not ready: ${Object.entries(checks).filter(([, v]) => !v).map(([k]) => k).join(', ')}`, { checks }));
  });
}
