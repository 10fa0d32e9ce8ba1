// Connection to PostgreSQL: an external one (DATABASE_URL) or the embedded one, migrated at start.
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { embeddedUrl, runningPostmaster, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.ts';
import { migrate } from './migrations.ts';

// int8 columns (bigint ids, tlog indexes) stay strings: JSON numbers cannot hold them exactly.
export interface Database {
  readonly url: string;
  readonly pool: pg.Pool;
  readonly prisma: PrismaClient;
  readonly embedded: boolean;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
  log?: (msg: string) => void;
  /** What the embedded server's start does on the operator's behalf (see startEmbeddedPostgres). */
  warn?: (msg: string) => void;
  /** The embedded server died while in use and was started again. */
  onEmbeddedRestarted?: () => void;
  /** Apply migrations (default true). */
  migrate?: boolean;
  /**
   * Without a URL, connect to the embedded server already running on `dataDir` (a serving
   * process's) rather than refusing. It is left running on close, and not migrated: its schema is
   * its owner's business. For one-off commands.
   */
  shareRunningEmbedded?: boolean;
}

/**
 * Pool and Prisma client for a database that is already running (no migration). `embedded` is the
 * embedded server behind it, if any, which close() then stops.
 */
export function connectDatabase(url: string, opts: { poolSize: number; log?: (msg: string) => void; embedded?: EmbeddedDatabase }): Database {
  const { poolSize, log, embedded } = opts;
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
  // An idle client losing its connection (database restarted) must not crash the process.
  pool.on('error', (err) => log?.(`postgres pool error: ${err.message}`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    url,
    pool,
    prisma,
    embedded: embedded !== undefined,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
      await embedded?.stop();
    },
  };
}

/**
 * Connections for the decision path only, apart from the main pool: decisions never wait behind
 * ingests and searches for a connection, and the server cancels any statement on them after
 * `timeoutMs` (a hung database is a 503 within that time, not a decision that never returns; a
 * cancelled write commits nothing). The app opens two: one for the group-commit log (one
 * connection: one batch in flight), and one for the facts and exceptions read on a cache miss and
 * the deployments that `record: true` writes. They stay open while idle, so the first decision
 * after a quiet spell does not pay for a new session.
 */
export function openDecisionPool(url: string, opts: { purpose: string; connections: number; timeoutMs: number; log?: (msg: string) => void }): pg.Pool {
  const { purpose, connections, timeoutMs, log } = opts;
  const pool = new pg.Pool({ connectionString: url, max: connections, idleTimeoutMillis: 0, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs });
  pool.on('error', (err) => log?.(`postgres ${purpose} pool error: ${err.message}`));
  return pool;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = opts.databaseUrl;
  let shared = false;
  if (!url) {
    const running = opts.shareRunningEmbedded ? runningPostmaster(opts.dataDir) : undefined;
    if (running) {
      url = embeddedUrl(running.port);
      shared = true;
    } else {
      embedded = await startEmbeddedPostgres(opts.dataDir, { log: opts.log, warn: opts.warn, onRestarted: opts.onEmbeddedRestarted });
      url = embedded.url;
    }
  }
  const db = connectDatabase(url, { poolSize: opts.poolSize, log: opts.log, embedded });
  try {
    if (opts.migrate !== false && !shared) {
      const client = await db.pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    }
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}

/** Runs fn in one transaction on one pooled client. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
