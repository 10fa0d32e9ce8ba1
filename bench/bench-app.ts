// Builds the Database object and the real app on a bench database, the way test/helpers/app.ts does.
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import type { FastifyInstance } from 'fastify';
import { PrismaClient } from '../src/generated/prisma/client.ts';
import { loadConfig } from '../src/config/index.ts';
import type { Database } from '../src/platform/database.ts';
import { buildApp } from '../src/app.ts';

export const ADMIN_TOKEN = 'att_bench-admin-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

export function openBenchDb(url: string, max = 8): Database {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    url,
    pool,
    prisma,
    embedded: false,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

export async function benchApp(db: Database, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({ ATTESTANT_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent', ...env });
  const app = await buildApp({ config, db, logger: false });
  await app.ready();
  return app;
}

export const log = (msg: string): void => { process.stderr.write(`[bench] ${msg}\n`); };
