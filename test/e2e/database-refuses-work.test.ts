// Fail closed when the database is up but will not do the work: read-only after a failover, a
// read or write that cannot finish in time, a database closed to connections. Each is "cannot decide now"
// (503, retry later), never allow, never a 500 and never a hang, and nothing is half-written.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { testApp, databaseUrl } from '../helpers/app.ts';
import { policyDir } from '../helpers/policies.ts';
import { isDatabaseUnavailable } from '../../src/platform/database-unavailable.ts';
import { verifyAuditChain } from '../../src/cli/audit.command.ts';

const policies = policyDir({ name: 'lenient', environments: ['dev'] });
// A short timeout for the decision path's statements, so the tests of it do not wait the default 2 s.
const t = await testApp({ policyDir: policies.dir, decisionDbTimeoutMs: 300 });
const dbName = new URL(t.db.url).pathname.slice(1);
const artifact = `sha256:${'d4'.repeat(32)}`;
const decide = () => t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact, environment: 'dev' } });
const ready = async () => (await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode;
const review = JSON.parse(readFileSync(new URL('../fixtures/admission/deployment-create.json', import.meta.url), 'utf8'));
const admit = async () => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/admission?environment=dev', headers: t.auth(), payload: review });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { response: { allowed: boolean; status?: { message: string } } }).response;
};
const counts = async () => (await t.db.pool.query<{ d: number; s: number; p: number }>('SELECT (SELECT count(*) FROM decision)::int AS d, (SELECT count(*) FROM sbom)::int AS s, (SELECT count(*) FROM deployment)::int AS p')).rows[0]!;

const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
await admin.connect();
after(() => admin.end());

/** Ends every session of the app's (pools and change feed), waiting until each is gone; they reconnect on their own. */
async function restartSessions(): Promise<void> {
  await admin.query('SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1', [dbName]);
}

async function decideUntilOk(): Promise<void> {
  let res = await decide();
  for (let i = 0; i < 50 && res.statusCode !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await decide();
  }
  assert.equal(res.statusCode, 200, res.body);
}

/**
 * Runs `fn` while another session holds what `statements` take (a lock, or a transaction holding
 * one); ending that session releases it.
 */
async function whileAnotherSessionHolds(statements: string[], fn: () => Promise<void>): Promise<void> {
  const other = new pg.Client({ connectionString: databaseUrl(dbName) });
  await other.connect();
  try {
    for (const sql of statements) await other.query(sql);
    await fn();
  } finally {
    await other.end();
  }
}

function assertUnavailable(res: Awaited<ReturnType<typeof decide>>): void {
  assert.equal(res.statusCode, 503, res.body);
  assert.match(String(res.headers['content-type']), /problem\+json/);
  assert.equal(res.json().code, 'DATABASE_UNAVAILABLE');
  assert.equal(res.json().allowed, undefined);
}

test('decisions have connections of their own: with every connection of the main pool taken, a decision is still answered', { timeout: 30_000 }, async () => {
  assert.equal((await decide()).statusCode, 200, 'facts cached');
  // As long-running ingests or searches would: every connection of the main pool checked out.
  const held = await Promise.all(Array.from({ length: t.db.pool.options.max ?? 10 }, () => t.db.pool.connect()));
  try {
    // Released only after these answers: if decisions shared the main pool, they would never return.
    const res = await decide();
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().allowed, true);
    // A cache miss too: the facts are read on the decision path's connections…
    t.app.factsCache.clear();
    assert.equal((await decide()).statusCode, 200);
    // …and so is the deployment that record: true writes.
    const recorded = await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact, environment: 'dev', service: 'checkout', record: true } });
    assert.equal(recorded.statusCode, 200, recorded.body);
    assert.equal(typeof recorded.json().deployment?.id, 'string');
    // /metrics shows who waits: one query queued on the main pool, none on the decision path's.
    const queued = t.db.pool.query('SELECT 1');
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /attestant_db_pool_clients\{pool="main",state="waiting"\} 1\n/);
    assert.match(metrics, /attestant_db_pool_clients\{pool="decision",state="waiting"\} 0\n/);
    assert.match(metrics, /attestant_db_pool_clients\{pool="audit",state="waiting"\} 0\n/);
    assert.match(metrics, new RegExp(`attestant_db_pool_clients\\{pool="main",state="total"\\} ${held.length}\\n`));
    for (const c of held.splice(0)) c.release();
    await queued;
  } finally {
    for (const c of held) c.release();
  }
});

test('read-only database (as after a failover to a standby): not ready; decisions, admission and ingests are 503; nothing is written', async () => {
  const before = await counts();
  assert.equal((await admit()).allowed, true, 'the lenient policy admits the Deployment while the database is writable');
  const beforeAdmit = await counts();
  assert.equal(beforeAdmit.d, before.d + 3, 'one decision per image of the Deployment');
  await admin.query(`ALTER DATABASE ${dbName} SET default_transaction_read_only = on`);
  try {
    await restartSessions();
    // Readiness runs on a new session: reachable, read-only, so not ready.
    assert.equal(await ready(), 503);
    assertUnavailable(await decide());
    // Admission fails closed too: the Deployment is refused, and the reason says why.
    const refused = await admit();
    assert.equal(refused.allowed, false);
    assert.match(refused.status!.message, /DATABASE_UNAVAILABLE/);
    const sbom = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [{ type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' }] });
    const ingest = await t.app.inject({ method: 'POST', url: `/v1/sboms?artifact=${artifact}`, headers: { ...t.auth(), 'content-type': 'application/json' }, payload: sbom });
    assert.equal(ingest.statusCode, 503, ingest.body);
    assert.equal(ingest.json().code, 'DATABASE_UNAVAILABLE');
  } finally {
    await admin.query(`ALTER DATABASE ${dbName} RESET default_transaction_read_only`);
    await restartSessions();
  }
  assert.deepEqual(await counts(), beforeAdmit);
  await decideUntilOk();
  assert.equal(await ready(), 200, 'writable again: ready without a restart');
});

test('a decision whose log write cannot finish in time is 503, nothing of it is stored, and the chain stays whole', { timeout: 30_000 }, async () => {
  await decideUntilOk();
  const before = await counts();
  // Another session holds the chain lock, so the append waits until the server cancels it
  // (ATTESTANT_DECISION_DB_TIMEOUT_MS, 300 ms here).
  await whileAnotherSessionHolds(['SELECT pg_advisory_lock(7412339002)'], async () => {
    assertUnavailable(await decide());
  });
  assert.deepEqual(await counts(), before);
  assert.equal((await decide()).statusCode, 200);
  const chain = await verifyAuditChain(t.db.pool, 100);
  assert.equal(chain.ok, true);
});

test('a facts read that cannot finish in time is 503, and no decision is logged', { timeout: 30_000 }, async () => {
  await decideUntilOk();
  const before = await counts();
  // Another session holds the artifact table, as a migration or a VACUUM FULL would.
  await whileAnotherSessionHolds(['BEGIN', 'LOCK TABLE artifact IN ACCESS EXCLUSIVE MODE'], async () => {
    t.app.factsCache.clear();
    assertUnavailable(await decide());
  });
  assert.deepEqual(await counts(), before);
  assert.equal((await decide()).statusCode, 200);
});

test('record: true is one record: when its deployment cannot be written, the decision is not logged either', { timeout: 30_000 }, async () => {
  await decideUntilOk();
  const record = () => t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact, environment: 'dev', service: 'payments', record: true } });
  const before = await counts();
  await whileAnotherSessionHolds(['BEGIN', 'LOCK TABLE deployment IN ACCESS EXCLUSIVE MODE'], async () => {
    assertUnavailable(await record());
  });
  assert.deepEqual(await counts(), before, 'neither the decision nor the deployment');
  const ok = await record();
  assert.equal(ok.statusCode, 200, ok.body);
  const { rows } = await t.db.pool.query<{ kind: string; decision: string | null }>(
    "SELECT kind, body::jsonb->'payload'->>'decisionId' AS decision FROM audit_event ORDER BY seq DESC LIMIT 2");
  // Adjacent in the chain, and about the same decision.
  assert.deepEqual(rows.map((r) => r.kind), ['deployment.recorded', 'decision']);
  assert.equal(rows[0]!.decision, ok.json().decisionId);
  assert.equal(rows[1]!.decision, ok.json().decisionId);
  assert.deepEqual(await counts(), { ...before, d: before.d + 1, p: before.p + 1 });
});

test('a database closed to connections: the real FATAL error is classed as unavailable, and decisions are 503 until it reopens', async () => {
  await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
  try {
    const probe = new pg.Client({ connectionString: databaseUrl(dbName) });
    const refused = await probe.connect().then(() => undefined, (e: unknown) => e);
    await probe.end().catch(() => {});
    assert.equal((refused as { severity?: string } | undefined)?.severity, 'FATAL', String(refused));
    assert.equal(isDatabaseUnavailable(refused), true, `${(refused as { code?: string }).code}: ${String(refused)}`);

    // Every session of the app's goes, as in a restart of the server; new ones are refused.
    await restartSessions();
    for (let i = 0; i < 3; i++) assertUnavailable(await decide());
  } finally {
    await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
  }
  await decideUntilOk();
});
