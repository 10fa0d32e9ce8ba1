// Integration-test harness: a fresh database per test file, cloned from the migrated template that
// scripts/test.ts prepared, and the real app built on it (exercised through app.inject).
import { after } from 'node:test';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { connectDatabase, type Database } from '../../src/platform/database.ts';
import { buildApp } from '../../src/app.ts';

export const ADMIN_TOKEN = 'att_test-admin-token-0123456789abcdef';

function serverUrl(): string {
  const url = process.env.ATTESTANT_TEST_SERVER_URL;
  if (!url) throw new Error('integration tests run through `npm test` (scripts/test.ts prepares the database)');
  return url;
}

export function databaseUrl(name: string): string {
  const u = new URL(serverUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

let counter = 0;

/** A fresh database cloned from the template; dropped when the test file ends. */
export async function freshDatabase(): Promise<Database & { name: string }> {
  const name = `attestant_t_${process.ppid}_${process.pid}_${counter++}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.ATTESTANT_TEST_TEMPLATE}`);
  await admin.end();
  const db = { ...connectDatabase(databaseUrl(name), { poolSize: 8 }), name };
  after(async () => {
    await db.close();
    const a = new pg.Client({ connectionString: serverUrl() });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await a.end();
  });
  return db;
}

export interface TestApp { app: FastifyInstance; db: Database; config: Config; auth: (token?: string) => Record<string, string> }

export async function testApp(overrides: Partial<Config> = {}, env: Record<string, string> = {}): Promise<TestApp> {
  const db = await freshDatabase();
  const config = loadConfig({ ATTESTANT_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent', ...env }, overrides);
  const app = await buildApp({ config, db, logger: false });
  after(() => app.close());
  return { app, db, config, auth: (token = ADMIN_TOKEN) => ({ authorization: `Bearer ${token}` }) };
}

/** Mint a token with the given scopes through the real API. */
export async function mintToken(t: TestApp, scopes: string[]): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/tokens', headers: t.auth(), payload: { name: `t-${scopes.join('-')}`, scopes } });
  if (res.statusCode !== 201) throw new Error(`mint failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}
