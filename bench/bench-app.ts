// Builds the Database object and the real app on a bench database, the way test/helpers/app.ts does.
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config/index.ts';
import { connectDatabase, type Database } from '../src/platform/database.ts';
import { buildApp } from '../src/app.ts';

export const ADMIN_TOKEN = 'att_bench-admin-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

export function openBenchDb(url: string, max = 8): Database {
  return connectDatabase(url, { poolSize: max });
}

export async function benchApp(db: Database, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({ ATTESTANT_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent', ...env });
  const app = await buildApp({ config, db, logger: false });
  await app.ready();
  return app;
}

export const log = (msg: string): void => { process.stderr.write(`[bench] ${msg}\n`); };
