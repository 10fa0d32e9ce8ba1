// buildApp(options) assembles the service from plugins; server.ts owns listening and shutdown.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Config } from './config/index.ts';
import type { Database } from './platform/database.ts';
import { migrationsApplied } from './platform/migrations.ts';
import { Metrics } from './platform/metrics.ts';
import { problemPlugin } from './platform/problem.plugin.ts';
import { authPlugin } from './platform/auth.plugin.ts';
import { openapiPlugin } from './platform/openapi.plugin.ts';
import { TokenRepository } from './graph/token.repository.ts';
import { AuditLog } from './audit/audit-log.ts';
import { healthRoutes } from './http/health.routes.ts';
import { tokenRoutes } from './http/tokens.routes.ts';
import { sbomRoutes, sbomIngestResultSchema } from './http/sboms.routes.ts';
import { SbomIngestService } from './ingest/sbom-ingest.service.ts';
import { usageRoutes, usageResultSchema } from './http/usage.routes.ts';
import { UsageService } from './search/usage.service.ts';
import { UsageRepository } from './graph/usage.repository.ts';

export interface AppOptions {
  config: Config;
  db: Database;
  logger?: FastifyServerOptions['logger'];
  https?: { cert: Buffer; key: Buffer };
  metrics?: Metrics;
  /** Build only to generate the OpenAPI document (no background connections). */
  openapiOnly?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config, db } = opts;
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    // Take a caller's request id when it is sane, so logs correlate across services.
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    ...(opts.https ? { https: opts.https } : {}),
  } as FastifyServerOptions) as unknown as FastifyInstance;

  const metrics = opts.metrics ?? new Metrics();
  const tokens = new TokenRepository(db);
  const audit = new AuditLog(db.pool);
  let migrated = false;

  app.decorate('metrics', metrics);
  app.addHook('onRequest', async (request, reply) => { reply.header('x-request-id', request.id); });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  await app.register(problemPlugin);
  await app.register(authPlugin, { tokens, adminToken: config.adminToken });
  await app.register(openapiPlugin);

  await app.register(healthRoutes, {
    checks: [
      { name: 'database', check: async () => { await db.pool.query('SELECT 1'); return true; } },
      { name: 'migrations', check: async () => (migrated ||= await migrationsApplied(db.pool)) },
    ],
  });
  app.get('/metrics', { config: { scope: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  await app.register(tokenRoutes, { tokens, audit });
  app.addSchema(sbomIngestResultSchema);
  const sbomIngest = new SbomIngestService(db, metrics);
  await app.register(sbomRoutes, { service: sbomIngest, strictDefault: config.strictSbom, bodyLimit: config.bodyLimitBytes });
  app.addSchema(usageResultSchema);
  await app.register(usageRoutes, { service: new UsageService(new UsageRepository(db)) });

  return app;
}

declare module 'fastify' {
  interface FastifyInstance { metrics: Metrics }
}
