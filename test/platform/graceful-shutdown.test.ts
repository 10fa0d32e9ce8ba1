// Shutting down behind a load balancer (drain.ts): from SIGTERM the replica reports not ready but
// keeps answering, and closes each connection after its answer, for ATTESTANT_SHUTDOWN_DRAIN_SECONDS;
// only then does it stop listening. Over a real socket, since connection handling is the point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { freshDatabase } from '../helpers/app.ts';
import { policyDir } from '../helpers/policies.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startServer } from '../../src/server.ts';
import { Drain } from '../../src/platform/drain.ts';

const TOKEN = 'att_shutdown-test-admin-token';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function call(url: string, agent: Agent, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
    const req = request(url, {
      agent, method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${TOKEN}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('connect', () => { socket.destroy(); resolve('connected'); });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

test('a drain: not ready, still answering (decisions included) with Connection: close; then the port closes', async () => {
  const db = await freshDatabase();
  const policies = policyDir({ environments: ['prod'], require: { sbom: true } });
  const server = await startServer(loadConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', ATTESTANT_ADMIN_TOKEN: TOKEN, ATTESTANT_POLICY_DIR: policies.dir }));
  const port = Number(new URL(server.url).port);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let closed: Promise<void> | undefined;
  try {
    const before = await call(`${server.url}/readyz`, agent);
    assert.equal(before.status, 200, before.body);
    assert.notEqual(before.headers.connection, 'close', 'kept alive while serving normally');

    // Far longer than the test: it ends below, the way a second signal ends it.
    closed = server.close(600_000);

    const ready = await call(`${server.url}/readyz`, agent);
    assert.equal(ready.status, 503);
    assert.match(String(ready.headers['content-type']), /^application\/problem\+json/);
    assert.equal(JSON.parse(ready.body).code, 'SHUTTING_DOWN');
    assert.equal(ready.headers.connection, 'close');

    const decision = await call(`${server.url}/v1/decisions`, agent, { method: 'POST', body: { artifact: `sha256:${'d'.repeat(64)}`, environment: 'prod' } });
    assert.equal(decision.status, 200, decision.body);
    const d = JSON.parse(decision.body) as { decisionId: string; allowed: boolean; reasons: Array<{ rule: string; outcome: string }> };
    assert.equal(d.allowed, false, 'no SBOM: a real decision, denied');
    assert.equal(decision.headers.connection, 'close');
    const stored = await db.pool.query(`SELECT count(*)::int AS n FROM decision WHERE id = $1`, [d.decisionId]);
    assert.equal(stored.rows[0].n, 1, 'a decision answered while draining is durably logged like any other');

    assert.equal(await refused(port), 'connected', 'still listening while draining');
    server.app.drain.end();
    await closed;
    assert.equal(await refused(port), 'ECONNREFUSED');
  } finally {
    agent.destroy();
    server.app.drain.end();
    await (closed ?? server.close());
  }
});

test('without a drain the server closes at once, and a drain can be ended early', async () => {
  const drain = new Drain();
  assert.equal(drain.draining, false);
  await drain.run(0);
  assert.equal(drain.draining, true, 'draining stays set until the process exits');

  const long = new Drain();
  let done = false;
  const run = long.run(600_000).then(() => { done = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false);
  long.end();
  await run;
  assert.equal(done, true);
  long.end(); // ending twice is harmless
});

test('ATTESTANT_SHUTDOWN_DRAIN_SECONDS: seconds, 0 by default, bounded', () => {
  assert.equal(loadConfig({}).shutdownDrainMs, 0);
  assert.equal(loadConfig({ ATTESTANT_SHUTDOWN_DRAIN_SECONDS: '10' }).shutdownDrainMs, 10_000);
  assert.throws(() => loadConfig({ ATTESTANT_SHUTDOWN_DRAIN_SECONDS: '-1' }), /ATTESTANT_SHUTDOWN_DRAIN_SECONDS must be an integer in \[0, 300\]/);
  assert.throws(() => loadConfig({ ATTESTANT_SHUTDOWN_DRAIN_SECONDS: 'soon' }), /ATTESTANT_SHUTDOWN_DRAIN_SECONDS/);
});
