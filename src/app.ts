// buildApp(options) assembles the service from plugins; server.ts owns listening and shutdown.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/index.ts';
import { openDecisionPool, type Database } from './platform/database.ts';
import { migrationsApplied } from './platform/migrations.ts';
import { Metrics } from './platform/metrics.ts';
import type { HistogramSeries } from './platform/series-histogram.ts';
import { uuidV4 } from './platform/uuid.ts';
import { AppError } from './platform/errors.ts';
import { findNul } from './platform/nul-guard.ts';
import { appendRouteHook } from './platform/route-hooks.ts';
import { clientErrorProblem, frameworkErrorProblem, problemPlugin } from './platform/problem.plugin.ts';
import { lazyChildLoggerFactory } from './platform/lazy-request-logger.ts';
import { authPlugin, VerifiedTokens } from './platform/auth.plugin.ts';
import { openapiPlugin } from './platform/openapi.plugin.ts';
import { TokenRepository } from './graph/token.repository.ts';
import { AuditLog } from './audit/audit-log.ts';
import { healthRoutes } from './http/health.routes.ts';
import { tokenRoutes } from './http/tokens.routes.ts';
import { sbomRoutes, sbomIngestResultSchema, sbomRecordSchema } from './http/sboms.routes.ts';
import { SbomIngestService } from './ingest/sbom-ingest.service.ts';
import { usageRoutes, usageResultSchema } from './http/usage.routes.ts';
import { UsageService } from './search/usage.service.ts';
import { UsageRepository } from './graph/usage.repository.ts';
import { FactsRepository } from './graph/facts.repository.ts';
import { ExceptionRepository } from './graph/exception.repository.ts';
import { ChangeFeed, notifyReload } from './graph/change-feed.ts';
import { FactsCache } from './decide/facts-cache.ts';
import { PolicyStore } from './decide/policy-store.ts';
import { DecisionService, ExceptionsCache } from './decide/decision.service.ts';
import { decisionRoutes, decisionResultSchema } from './http/decisions.routes.ts';
import { exceptionRoutes } from './http/exceptions.routes.ts';
import { admissionRoutes } from './http/admission.routes.ts';
import { adminRoutes } from './http/admin.routes.ts';
import { attestationRoutes, attestationRecordSchema, attestationResultSchema, verifyRoutes } from './http/attestations.routes.ts';
import { artifactRoutes } from './http/artifacts.routes.ts';
import { AttestationIngestService } from './ingest/attestation-ingest.service.ts';
import { TrustStore } from './ingest/trust-store.ts';
import { TlsCertificate, type TlsFiles, type TlsMaterial } from './platform/tls-certificate.ts';
import type { Server as HttpsServer } from 'node:https';
import { Drain } from './platform/drain.ts';
import { ConfigWatch } from './platform/config-watch.ts';

export interface AppOptions {
  config: Config;
  db: Database;
  logger?: FastifyServerOptions['logger'];
  /**
   * Serve HTTPS with this pair, read from these files; the files are checked again every
   * `pollMs` (default a minute) and on reload, and a changed valid pair is served from then on.
   */
  tls?: { files: TlsFiles; material: TlsMaterial; pollMs?: number };
  metrics?: Metrics;
  /** Build only to generate the OpenAPI document (no background connections). */
  openapiOnly?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config, db } = opts;
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel },
    // A request's child logger is made only when the request logs something (lazy-request-logger.ts).
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: config.bodyLimitBytes,
    // Take a caller's request id when it is sane, so logs correlate across services.
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : uuidV4();
    },
    // Errors raised before a route runs are problems too (problem.plugin.ts).
    frameworkErrors: frameworkErrorProblem,
    // A request that reaches a closing server (on a connection it kept open) is served, with
    // `Connection: close`, rather than refused with Fastify's plain-JSON 503: the drain
    // (drain.ts) has already told the load balancer to send work elsewhere, and what still
    // arrives is work a client is waiting on.
    return503OnClosing: false,
    clientErrorHandler: clientErrorProblem,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false, allowUnionTypes: true } },
    ...(opts.tls ? { https: opts.tls.material } : {}),
  } as FastifyServerOptions) as unknown as FastifyInstance;

  const metrics = opts.metrics ?? new Metrics();
  // Policies are loaded before anything listens: an invalid policy fails start-up.
  const policies = new PolicyStore(config.policyDir);
  const trust = new TrustStore(config.trustConfig);
  const warn = (m: string) => app.log.warn(m);
  // The decision path's own connections (platform/database.ts): reads on a cache miss and the
  // deployments `record: true` writes; the group-commit log has its own below.
  const decisionPool = openDecisionPool(db.url, { purpose: 'decision', connections: 2, timeoutMs: config.decisionDbTimeoutMs, log: warn });
  const facts = new FactsRepository({ pool: decisionPool });
  const factsCache = new FactsCache((d, scope) => facts.load(d, scope));
  const exceptionsCache = new ExceptionsCache(new ExceptionRepository({ pool: decisionPool }));
  const verifiedTokens = new VerifiedTokens();
  /** Policies and trust: both validated before either is swapped in; throws the first problem. */
  const applyConfig = () => {
    const nextTrust = trust.prepare();
    const set = policies.prepare();
    trust.swap(nextTrust);
    policies.swap(set);
    factsCache.clear();
    exceptionsCache.invalidate();
    app.log.info({ policies: set.policies.map((p) => ({ name: p.name, digest: p.digest })) }, 'reloaded policies');
    return {
      policies: set.policies.map((p) => ({ name: p.name, digest: p.digest, file: p.file, environments: p.environments, mode: p.mode })),
      trust: { roots: nextTrust.roots, keys: nextTrust.keys },
    };
  };
  metrics.watchPolicies(() => policies.set.policies);
  const configWatch = new ConfigWatch([policies, trust], applyConfig, {
    applied: (trigger) => metrics.configReloads.inc({ trigger, result: 'applied' }),
    refused: (trigger, err) => {
      metrics.configReloads.inc({ trigger, result: 'refused' });
      app.log.error({ err, trigger }, 'the changed policy or trust files are invalid and were not loaded; the previous ones stay in force');
    },
  });
  const changeFeed = opts.openapiOnly ? undefined : new ChangeFeed(db.url, {
    onArtifacts: (digests) => factsCache.invalidate(digests),
    onExceptions: () => exceptionsCache.invalidate(),
    onTokens: () => verifiedTokens.clear(),
    onReload: () => configWatch.check('notice'),
    onState: (up) => { factsCache.setTrusted(up); exceptionsCache.setTrusted(up); verifiedTokens.clear(); },
  }, warn);
  const tokens = new TokenRepository(db);
  // One group-commit queue per process: every appender shares it, so batches are as large as they can be.
  // One connection: the group-commit log has one batch in flight at a time (audit-log.ts).
  const auditPool = openDecisionPool(db.url, { purpose: 'audit log', connections: 1, timeoutMs: config.decisionDbTimeoutMs, log: warn });
  const audit = new AuditLog(auditPool, (entries, seconds) => metrics.auditCommit(entries, seconds));
  metrics.watchPools({ main: db.pool, decision: decisionPool, audit: auditPool });
  let migrated = false;

  app.decorate('metrics', metrics);
  // Every route with the scope it declares: the auth test walks this table.
  const routeTable: Array<{ method: string; url: string; scope: string }> = [];
  app.decorate('routeTable', routeTable);
  // U+0000 cannot be stored or queried: refused with a pointer before any handler runs (nul-guard.ts).
  // A route whose body is mostly not ours to store (an AdmissionReview carries the whole object,
  // env values and all) opts its body out with `nulGuardBody: false`.
  const nulAt = (location: string, pointer: string) =>
    new AppError('TEXT_UNSTORABLE', `${location}${pointer} contains a NUL character (U+0000), which cannot be stored.`, { pointer, location });
  app.addHook('onRoute', (r) => {
    const scope = (r.config as { scope?: string } | undefined)?.scope ?? 'public';
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) routeTable.push({ method: m, url: r.url, scope });
    // Callback-style hooks, made per route (route-hooks.ts): they run on every request, and need
    // no promise.
    const checkBody = r.config?.nulGuardBody !== false;
    appendRouteHook(r, 'preValidation', (request, _reply, done) => {
      let at = findNul(request.query);
      if (at !== undefined) return done(nulAt('querystring', at));
      at = findNul(request.params);
      if (at !== undefined) return done(nulAt('params', at));
      at = checkBody ? findNul(request.body) : undefined;
      if (at !== undefined) return done(nulAt('body', at));
      done();
    });
    // The series last observed, kept: a route answers one method and status far more than others.
    const route = r.url;
    let last: { method: string; status: number; series: HistogramSeries } | undefined;
    appendRouteHook(r, 'onResponse', (request, reply, done) => {
      const method = request.method;
      const status = reply.statusCode;
      if (last === undefined || last.status !== status || last.method !== method) last = { method, status, series: metrics.httpSeries(method, route, status) };
      last.series.observe(reply.elapsedTime / 1000);
      done();
    });
  });
  const drain = new Drain();
  app.decorate('drain', drain);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // Draining: answer, then close the connection, so the client's next request opens a new one,
    // which the Service routes to a replica that is staying.
    if (drain.draining) reply.header('connection', 'close');
    done();
  });
  // Requests no route matched: the routes observe their own (above).
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) metrics.observeHttp(request.method, 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.addHook('onClose', async () => { await Promise.all([auditPool.end(), decisionPool.end()]); });
  if (changeFeed) {
    await changeFeed.start();
    app.addHook('onClose', async () => changeFeed.close());
  }
  await app.register(problemPlugin);
  await app.register(authPlugin, { tokens, adminToken: config.adminToken, verified: verifiedTokens });
  await app.register(openapiPlugin);

  await app.register(healthRoutes, {
    drain,
    checks: [
      // Reachable is not enough: every decision writes its audit event, so a read-only database
      // (a standby after a failover) cannot serve one.
      { name: 'database', check: async () => (await db.pool.query<{ writable: boolean }>("SELECT current_setting('transaction_read_only') = 'off' AS writable")).rows[0]?.writable === true },
      { name: 'migrations', check: async () => (migrated ||= await migrationsApplied(db.pool)) },
      { name: 'policy', check: () => policies.loaded },
      { name: 'trust', check: () => trust.trust.roots.length + trust.trust.keys.length > 0 },
    ],
  });
  app.get('/metrics', { config: { scope: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  await app.register(tokenRoutes, { db, tokens, onRevoked: () => verifiedTokens.clear() });
  app.addSchema(sbomIngestResultSchema);
  app.addSchema(sbomRecordSchema);
  const sbomIngest = new SbomIngestService(db, metrics, (d) => factsCache.invalidate(d));
  await app.register(sbomRoutes, { service: sbomIngest, db, strictDefault: config.strictSbom, bodyLimit: config.bodyLimitBytes });
  app.addSchema(usageResultSchema);
  await app.register(usageRoutes, { service: new UsageService(new UsageRepository(db)) });
  app.addSchema(attestationResultSchema);
  app.addSchema(attestationRecordSchema);
  const attestationIngest = new AttestationIngestService(db, trust, {
    strictSbom: config.strictSbom, metrics, log: app.log, onArtifacts: (d) => factsCache.invalidate(d),
  });
  await app.register(attestationRoutes, { service: attestationIngest, trust, db, bodyLimit: config.bodyLimitBytes });
  await app.register(verifyRoutes, { trust });
  await app.register(artifactRoutes, { db });
  app.addSchema(decisionResultSchema);
  const decisions = new DecisionService({ pool: decisionPool }, audit, policies, factsCache, exceptionsCache, metrics);
  app.decorate('decisions', decisions);
  app.decorate('factsCache', factsCache);
  await app.register(decisionRoutes, { decisions, db });
  await app.register(exceptionRoutes, { db, onChange: () => exceptionsCache.invalidate() });
  await app.register(admissionRoutes, { decisions, namespaceEnvironments: config.namespaceEnvironments });

  const certificate = opts.tls
    ? new TlsCertificate(opts.tls.files, opts.tls.material, (m) => (app.server as unknown as HttpsServer).setSecureContext(m), {
      renewed: (summary) => {
        metrics.tlsReloads.inc({ result: 'served' });
        app.log.info({ certificate: summary }, 'serving the renewed TLS certificate');
      },
    })
    : undefined;
  // The certificate's files are watched on their own (every minute by default): a half-rotated pair
  // never holds back a policy change, nor a policy typo a renewed certificate.
  const certificateWatch = certificate && new ConfigWatch([certificate], () => {
    const next = certificate.prepare();
    if (next) certificate.swap(next);
  }, {
    applied: () => {}, // a renewal is reported by the certificate itself, when it is swapped in
    refused: (_trigger, err) => {
      metrics.tlsReloads.inc({ result: 'refused' });
      app.log.error(`${(err as Error).message}; still serving the previous certificate`);
    },
  });
  if (!opts.openapiOnly) {
    for (const [watch, ms] of [[certificateWatch, opts.tls?.pollMs ?? 60_000], [configWatch, config.configWatchMs]] as const) {
      if (!watch || ms <= 0) continue;
      const stop = watch.watch(ms);
      app.addHook('onClose', async () => stop());
    }
  }

  const reload = async (trigger: 'api' | 'signal' = 'api') => {
    // Everything is validated before anything is swapped in, so a bad file changes nothing: the
    // certificate first, then policies and trust. Each watch reports its own refusal, and does not
    // report the same files again when its timer finds them.
    const nextTls = certificateWatch?.force(trigger, () => certificate!.prepare());
    const applied = configWatch.force(trigger, applyConfig);
    if (nextTls) certificate!.swap(nextTls);
    // Every other replica checks its own files now rather than at its next check. A reload that
    // could not tell them still applied here; the answer says which.
    const replicasNotified = await notifyReload(db.pool).then(() => true, () => false);
    return { ...applied, ...(certificate ? { tls: certificate.summary } : {}), replicasNotified };
  };
  app.decorate('reload', reload);
  await app.register(adminRoutes, { reload });

  return app;
}

declare module 'fastify' {
  interface FastifyInstance { metrics: Metrics; drain: Drain; decisions: DecisionService; factsCache: FactsCache; routeTable: Array<{ method: string; url: string; scope: string }> }
}
