// Process lifecycle: open the database (embedded or external), build the app, listen, and shut
// down gracefully (in-flight requests finish, then the pool closes and embedded PostgreSQL stops).
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config/index.ts';
import { openDatabase, type Database } from './platform/database.ts';
import { generateToken, hashToken } from './platform/tokens.ts';
import { TokenRepository } from './graph/token.repository.ts';
import { buildApp } from './app.ts';
import { Metrics } from './platform/metrics.ts';
import { sweepStaleSpools } from './ingest/body-spool.ts';
import { readTlsMaterial } from './platform/tls-certificate.ts';
import { mintToken } from './graph/token-mint.ts';

export interface RunningServer {
  app: FastifyInstance; db: Database; config: Config; url: string;
  /** Drains for `drainMs` (reporting not ready, still serving; drain.ts), then closes. */
  close(drainMs?: number): Promise<void>;
}

async function bootstrapAdminToken(config: Config, db: Database, log: pino.Logger): Promise<void> {
  if (config.adminToken) return;
  const tokens = new TokenRepository(db);
  if ((await tokens.count()) > 0) return;
  const secret = generateToken();
  await mintToken(db, tokens, { name: 'bootstrap-admin', tokenHash: hashToken(secret), scopes: ['admin'] }, 'attestant serve (first start)');
  // Printed once, on the first start only: afterwards a token exists and this branch is skipped.
  process.stdout.write(`\nNo API tokens existed, so an admin token was created. It is shown only this once:\n\n  ${secret}\n\nStore it now (export ATTESTANT_TOKEN=...).\n\n`);
  log.warn('generated the first admin token (printed to stdout once)');
}

/** DATABASE_URL for a message: its password, if any, replaced. */
function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

export async function startServer(config: Config = loadConfig()): Promise<RunningServer> {
  const log = pino({ level: config.logLevel });
  // The served process also exports Node's own metrics (CPU, memory, event-loop delay, GC);
  // apps built in tests do not, as many share one process there.
  const metrics = new Metrics({ defaultMetrics: true });
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    log: (m) => log.debug({ component: 'postgres' }, m),
    warn: (m) => log.warn({ component: 'postgres' }, m),
    onEmbeddedRestarted: () => metrics.embeddedRestarts.inc(),
  }).catch((err: unknown) => {
    // The bare driver error ("connect ECONNREFUSED 127.0.0.1:5432") does not say which setting.
    if (!config.databaseUrl) throw err;
    throw new Error(`Cannot use the PostgreSQL at DATABASE_URL=${redactedUrl(config.databaseUrl)}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  });
  if (db.embedded) log.info({ dataDir: config.dataDir }, 'using embedded PostgreSQL');
  let app: FastifyInstance | undefined;
  try {
    const tlsFiles = config.tlsCertFile && config.tlsKeyFile ? { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile } : undefined;
    const tls = tlsFiles ? { files: tlsFiles, material: readTlsMaterial(tlsFiles) } : undefined;
    // Policies and trust load (and can fail start-up) before a token is minted or a port opened.
    app = await buildApp({ config, db, tls, logger: { level: config.logLevel }, metrics });
    const swept = await sweepStaleSpools();
    if (swept > 0) log.info({ swept }, 'removed upload spool directories left by an earlier process');
    await bootstrapAdminToken(config, db, log);
    const url = await app.listen({ port: config.port, host: config.host });
    let closing: Promise<void> | undefined;
    const close = (drainMs = 0) => (closing ??= (async () => {
      await app!.drain.run(drainMs);
      await app!.close();
      await db.close();
    })());
    return { app, db, config, url, close };
  } catch (err) {
    await app?.close().catch(() => {});
    await db.close().catch(() => {});
    throw err;
  }
}

/** How long a close may take after the drain (in-flight requests, pools, embedded PostgreSQL). */
const CLOSE_TIMEOUT_MS = 15_000;

/** `attestant serve`: run until SIGINT/SIGTERM. */
export async function serve(): Promise<void> {
  const server = await startServer();
  const log = server.app.log;
  log.info({ url: server.url }, 'attestant listening');
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) {
      // A second signal: stop draining and close now (Ctrl-C twice, or an impatient supervisor).
      if (server.app.drain.draining) log.info({ signal }, 'drain ended early');
      server.app.drain.end();
      return;
    }
    shuttingDown = true;
    // SIGTERM is what an orchestrator sends, and is drained; SIGINT is someone at a terminal.
    const drainMs = signal === 'SIGTERM' ? server.config.shutdownDrainMs : 0;
    log.info({ signal, drainSeconds: drainMs / 1000 }, drainMs > 0 ? 'shutting down: draining (not ready, still serving)' : 'shutting down');
    // A hung close must not keep the process alive forever.
    const timer = setTimeout(() => { log.error('shutdown timed out'); process.exit(1); }, drainMs + CLOSE_TIMEOUT_MS);
    timer.unref();
    server.close(drainMs).then(() => process.exit(0), (err) => { log.error({ err }, 'shutdown failed'); process.exit(1); });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => { void server.app.reload?.('signal').catch((err: unknown) => log.error({ err }, 'reload failed')); });
}

declare module 'fastify' {
  interface FastifyInstance { reload?: (trigger?: 'api' | 'signal') => Promise<unknown> }
}
