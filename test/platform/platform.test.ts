import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { freshDatabase, testApp, ADMIN_TOKEN } from '../helpers/app.ts';
import { listMigrations, migrate, migrationsApplied } from '../../src/platform/migrations.ts';

test('migrations: two processes starting at once apply each migration exactly once, as Prisma records it', async () => {
  const db = await freshDatabase();
  // Start from an empty schema: drop what the template had.
  await db.pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  const clients = [new pg.Client({ connectionString: db.url }), new pg.Client({ connectionString: db.url })];
  await Promise.all(clients.map((c) => c.connect()));
  const applied = await Promise.all(clients.map((c) => migrate(c)));
  await Promise.all(clients.map((c) => c.end()));
  const all = listMigrations().map((m) => m.name);
  assert.deepEqual([...applied[0]!, ...applied[1]!].sort(), all.sort(), 'each migration applied by exactly one of them');
  const { rows } = await db.pool.query('SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name');
  assert.equal(rows.length, all.length);
  for (const [i, m] of listMigrations().entries()) {
    assert.equal(rows[i].migration_name, m.name);
    assert.equal(rows[i].checksum, m.checksum);
    assert.match(m.checksum, /^[0-9a-f]{64}$/);
    assert.ok(rows[i].finished_at instanceof Date);
    assert.equal(rows[i].applied_steps_count, 1);
  }
  assert.equal(await migrationsApplied(db.pool), true);
  // Idempotent: running again applies nothing.
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  assert.deepEqual(await migrate(c), []);
  // A migration edited after it was applied is refused.
  const tampered = listMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
  await assert.rejects(migrate(c, tampered), /modified after it was applied/);
  await c.end();
});

test('bootstrap: with no tokens and no ATTESTANT_ADMIN_TOKEN the first start prints an admin token once', async () => {
  const db = await freshDatabase();
  const { startServer } = await import('../../src/server.ts');
  const { loadConfig } = await import('../../src/config/index.ts');
  const writes: string[] = [];
  const orig = process.stdout.write.bind(process.stdout);
  const capture = (chunk: unknown) => { writes.push(String(chunk)); return true; };
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', ATTESTANT_POLICY_DIR: '/nonexistent' });
  process.stdout.write = capture as typeof process.stdout.write;
  let first;
  try { first = await startServer(config); } finally { process.stdout.write = orig; }
  await first.close();
  const printed = writes.join('');
  const token = /\n {2}(att_[A-Za-z0-9_-]+)\n/.exec(printed)?.[1];
  assert.ok(token, printed);
  const { rows } = await db.pool.query('SELECT name, scopes, token_hash FROM api_token');
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].scopes, ['admin']);
  assert.notEqual(rows[0].token_hash, token);
  const { rows: minted } = await db.pool.query("SELECT actor, body FROM audit_event WHERE kind = 'token.minted'");
  assert.equal(minted.length, 1, 'the bootstrap token is audited like any other');
  assert.equal(minted[0].actor, 'attestant serve (first start)');
  writes.length = 0;
  process.stdout.write = capture as typeof process.stdout.write;
  let second;
  try { second = await startServer(config); } finally { process.stdout.write = orig; }
  const res = await second.app.inject({ method: 'POST', url: '/v1/tokens', headers: { authorization: `Bearer ${token}` }, payload: { name: 'ci', scopes: ['ingest'] } });
  await second.close();
  assert.equal(writes.join('').includes('att_'), false, 'printed only on the first start');
  assert.equal(res.statusCode, 201, 'the printed token is an admin token');
});

test('the served process exports Node\'s own metrics beside the service\'s', async () => {
  const db = await freshDatabase();
  const { startServer } = await import('../../src/server.ts');
  const { loadConfig } = await import('../../src/config/index.ts');
  const server = await startServer(loadConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', ATTESTANT_POLICY_DIR: '/nonexistent', ATTESTANT_ADMIN_TOKEN: ADMIN_TOKEN }));
  try {
    const m = await server.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(m.statusCode, 200);
    for (const name of ['attestant_process_cpu_seconds_total', 'attestant_nodejs_eventloop_lag_max_seconds', 'attestant_nodejs_gc_duration_seconds', 'attestant_nodejs_heap_size_used_bytes', 'attestant_http_request_duration_seconds']) {
      assert.match(m.body, new RegExp(`# TYPE ${name} `));
    }
  } finally {
    await server.close();
  }
  // An app built without them (as tests build theirs) has none.
  const t = await testApp();
  const m = await t.app.inject({ method: 'GET', url: '/metrics' });
  assert.doesNotMatch(m.body, /attestant_process_cpu_seconds_total/);
});

test('start-up names the setting behind a failure: an unreachable DATABASE_URL (password redacted), an unreadable TLS file', async () => {
  const { startServer } = await import('../../src/server.ts');
  const { loadConfig } = await import('../../src/config/index.ts');
  const { findFreePort } = await import('../../src/platform/embedded-postgres.ts');
  const port = await findFreePort();
  const unreachable = loadConfig({ DATABASE_URL: `postgresql://attestant:s3cret@127.0.0.1:${port}/attestant`, PORT: '0', LOG_LEVEL: 'silent' });
  await assert.rejects(startServer(unreachable), (err: Error) => {
    assert.match(err.message, new RegExp(`^Cannot use the PostgreSQL at DATABASE_URL=postgresql://attestant:\\*\\*\\*@127\\.0\\.0\\.1:${port}/attestant: .*ECONNREFUSED`));
    assert.doesNotMatch(err.message, /s3cret/);
    return true;
  });
  const db = await freshDatabase();
  const tls = loadConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: '/nonexistent/key.pem', ATTESTANT_ADMIN_TOKEN: ADMIN_TOKEN });
  await assert.rejects(startServer(tls), (err: Error) => {
    assert.match(err.message, /^TLS_CERT_FILE: cannot read \/nonexistent\/cert\.pem: ENOENT/);
    return true;
  });
  // A pair that is not one (the key of another certificate) fails start-up too, naming both files.
  const fixtures = new URL('../fixtures/tls/', import.meta.url).pathname;
  const mismatched = loadConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', TLS_CERT_FILE: `${fixtures}cert.pem`, TLS_KEY_FILE: `${fixtures}key-renewed.pem`, ATTESTANT_ADMIN_TOKEN: ADMIN_TOKEN });
  await assert.rejects(startServer(mismatched), (err: Error) => {
    assert.match(err.message, /^TLS_CERT_FILE \S+cert\.pem and TLS_KEY_FILE \S+key-renewed\.pem are not a usable pair: .*key values mismatch/);
    return true;
  });
});

test('an unexpected error is a 500 problem with a generic detail, never the internals', async () => {
  const t = await testApp();
  t.app.get('/boom', { config: { scope: 'public' } }, async () => { throw new Error('secret internal detail'); });
  const res = await t.app.inject({ method: 'GET', url: '/boom' });
  assert.equal(res.statusCode, 500);
  assert.equal(res.json().code, 'INTERNAL');
  assert.doesNotMatch(res.body, /secret internal detail/);
  assert.ok(res.json().requestId);
});

test('/metrics exposes latency by route, decisions, verification failures, ingests and the supply-chain SLIs', async () => {
  const t = await testApp();
  await t.app.inject({ method: 'POST', url: '/v1/sboms', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: readFileSync(new URL('../fixtures/sbom/upstream/cdx-spec-valid-dependency-1.5.json', import.meta.url)) });
  const bundle = JSON.parse(readFileSync(new URL('../fixtures/sigstore-conformance/signature-mismatch_fail/bundle.sigstore.json', import.meta.url), 'utf8'));
  await t.app.inject({ method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: bundle });
  const m = await t.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(m.statusCode, 200);
  assert.match(m.body, /attestant_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/sboms"/);
  // Each request is observed once, under its route's pattern; what no route matched, as "unmatched".
  await t.app.inject({ method: 'GET', url: '/v1/artifacts/sha256:0000' });
  await t.app.inject({ method: 'GET', url: '/no/such/route' });
  await t.app.inject({ method: 'GET', url: '/no/such/route/either' });
  const after = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(after, /attestant_http_request_duration_seconds_count\{method="POST",route="\/v1\/sboms",status="201"\} 1\n/);
  assert.match(after, /attestant_http_request_duration_seconds_count\{method="GET",route="\/v1\/artifacts\/:digest",status="401"\} 1\n/);
  assert.match(after, /attestant_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 2\n/);
  assert.match(m.body, /attestant_ingests_total\{kind="sbom",result="created"\} 1/);
  assert.match(m.body, /attestant_verification_failures_total\{code="[A-Z_]+"\} 1/);
  for (const name of ['attestant_decisions_total', 'attestant_decided_artifacts_verified_provenance_ratio', 'attestant_policy_violation_ratio', 'attestant_provenance_latency_seconds']) {
    assert.match(m.body, new RegExp(`# TYPE ${name} `));
  }
  void ADMIN_TOKEN;
});
