// Fail closed when the database is up but will not do the work: read-only after a failover, a
// statement cancelled by its timeout, a database closed to connections. Each is "cannot decide
// now" (503, retry later), never allow, never a 500, and nothing is half-written.
import { test, after } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import pg from 'pg';
import { testApp, databaseUrl } from '../helpers/app.ts';
import { policyDir } from '../helpers/policies.ts';
import { isDatabaseUnavailable } from '../../src/platform/database-unavailable.ts';
import { verifyAuditChain } from '../../src/cli/audit.command.ts';

const policies = policyDir({ name: 'lenient', environments: ['dev'] });
const t = await testApp({ policyDir: policies.dir });
const dbName = new URL(t.db.url).pathname.slice(1);
const artifact = `sha256:${'d4'.repeat(32)}`;
const decide = () => t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact, environment: 'dev' } });
const review = JSON.parse(readFileSync(new URL('../fixtures/admission/deployment-create.json', import.meta.url), 'utf8'));
const admit = async () => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/admission?environment=dev', headers: t.auth(), payload: review });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { response: { allowed: boolean; status?: { message: string } } }).response;
};
const counts = async () => (await t.db.pool.query<{ d: number; s: number }>('SELECT (SELECT count(*) FROM decision)::int AS d, (SELECT count(*) FROM sbom)::int AS s')).rows[0]!;

/** Runs `sql` on every connection of the app's pool (all of them checked out at once, so none is missed). */
async function onEveryPooledConnection(sql: string): Promise<void> {
  const clients = await Promise.all(Array.from({ length: t.db.pool.options.max ?? 10 }, () => t.db.pool.connect()));
  try {
    for (const c of clients) await c.query(sql);
  } finally {
    for (const c of clients) c.release();
  }
}

function assertUnavailable(res: Awaited<ReturnType<typeof decide>>): void {
  assert.equal(res.statusCode, 503, res.body);
  assert.match(String(res.headers['content-type']), /problem\+json/);
  assert.equal(res.json().code, 'DATABASE_UNAVAILABLE');
  assert.equal(res.json().allowed, undefined);
}

test('read-only database (as after a failover to a standby): decisions and ingests are 503, nothing is written', async () => {
  assert.equal((await decide()).statusCode, 200, 'facts cached, the decision logged');
  assert.equal((await admit()).allowed, true, 'the lenient policy admits the Deployment while the database is writable');
  const before = await counts();
  await onEveryPooledConnection('SET default_transaction_read_only = on');
  try {
    // The facts are cached, so the only write is the decision's audit event, and it is refused.
    assertUnavailable(await decide());
    // Admission fails closed too: the Deployment is refused, and the reason says why.
    const refused = await admit();
    assert.equal(refused.allowed, false);
    assert.match(refused.status!.message, /DATABASE_UNAVAILABLE/);
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503, 'reachable but read-only is not ready');
    assert.equal(ready.json().checks.database, false);
    const sbom = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [{ type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' }] });
    const ingest = await t.app.inject({ method: 'POST', url: `/v1/sboms?artifact=${artifact}`, headers: { ...t.auth(), 'content-type': 'application/json' }, payload: sbom });
    assert.equal(ingest.statusCode, 503, ingest.body);
    assert.equal(ingest.json().code, 'DATABASE_UNAVAILABLE');
  } finally {
    await onEveryPooledConnection('SET default_transaction_read_only = off');
  }
  assert.deepEqual(await counts(), before);
  assert.equal((await decide()).statusCode, 200, 'writable again: answers without a restart');
  assert.equal((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
});

test('a decision whose log write is cancelled by statement_timeout is 503, and the chain stays whole', async () => {
  // Another session holds the chain lock, so the append waits until its statement times out.
  const holder = new pg.Client({ connectionString: databaseUrl(dbName) });
  await holder.connect();
  after(() => holder.end());
  await holder.query('SELECT pg_advisory_lock(7412339002)');
  const before = await counts();
  await onEveryPooledConnection('SET statement_timeout = 200');
  try {
    assertUnavailable(await decide());
  } finally {
    await holder.query('SELECT pg_advisory_unlock(7412339002)');
    await onEveryPooledConnection('RESET statement_timeout');
  }
  assert.deepEqual(await counts(), before);
  assert.equal((await decide()).statusCode, 200);
  const chain = await verifyAuditChain(t.db.pool, 100);
  assert.equal(chain.ok, true);
});

test('a database closed to connections: the real FATAL error is classed as unavailable, and decisions are 503 until it reopens', async () => {
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  after(() => admin.end());
  await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
  try {
    const probe = new pg.Client({ connectionString: databaseUrl(dbName) });
    const refused = await probe.connect().then(() => undefined, (e: unknown) => e);
    await probe.end().catch(() => {});
    assert.equal((refused as { severity?: string } | undefined)?.severity, 'FATAL', String(refused));
    assert.equal(isDatabaseUnavailable(refused), true, `${(refused as { code?: string }).code}: ${String(refused)}`);

    // Every session of the app's goes, as in a restart of the server; new ones are refused.
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [dbName]);
    for (let i = 0; i < 3; i++) assertUnavailable(await decide());
  } finally {
    await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
  }
  let back = await decide();
  for (let i = 0; i < 50 && back.statusCode !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    back = await decide();
  }
  assert.equal(back.statusCode, 200, back.body);
});
