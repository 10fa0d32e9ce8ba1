// `npm test`: one PostgreSQL for the whole run (DATABASE_URL's server, or an embedded one),
// a template database migrated once, and every test file then clones its own fresh database
// from the template (CREATE DATABASE ... TEMPLATE), so files run in parallel without sharing state.
import { spawn } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/platform/embedded-postgres.ts';
import { migrate } from '../src/platform/migrations.ts';

function find(dir: string, out: string[] = []): string[] {
  let entries: string[] = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) { if (e !== 'node_modules' && e !== 'fixtures' && e !== 'generated') find(p, out); }
    else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

const filters = process.argv.slice(2);
let files = [...find('src'), ...find('test')].sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));

// Unit tests of pure modules (src/) need no database; only start one when integration tests run.
const needsDatabase = files.some((f) => f.startsWith('test/'));
const external = process.env.DATABASE_URL;
const dataDir = `/tmp/attestant-test-pg-${process.pid}`;
let stopEmbedded: (() => Promise<void>) | undefined;
let serverUrl = '';
if (!needsDatabase) {
  // nothing to start
} else if (external) {
  serverUrl = external;
} else {
  const embedded = await startEmbeddedPostgres(dataDir);
  stopEmbedded = embedded.stop;
  serverUrl = embedded.url;
}
const template = `attestant_tpl_${process.pid}`;
const admin = needsDatabase ? new pg.Client({ connectionString: serverUrl }) : undefined;
if (admin) {
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const tpl = new pg.Client({ connectionString: withDatabase(serverUrl, template) });
  await tpl.connect();
  await migrate(tpl);
  await tpl.end();
}

const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=3', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test', ATTESTANT_TEST_SERVER_URL: serverUrl, ATTESTANT_TEST_TEMPLATE: template },
  });
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});

// Drop what the files left behind (each file drops its own; this catches crashed ones).
if (admin) {
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`attestant_t_${process.pid}_%`]);
  for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => {});
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => {});
  await admin.end();
}
if (stopEmbedded) {
  await stopEmbedded();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
