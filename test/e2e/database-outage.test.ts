// Fail closed: with the database down, decisions are 503 (never allow), readiness is 503, and the
// service recovers on its own when the database comes back: no restart. The embedded server, when
// killed, is brought back by the service itself.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { openDatabase } from '../../src/platform/database.ts';
import { runningPostmaster, startEmbeddedPostgres } from '../../src/platform/embedded-postgres.ts';
import { buildApp } from '../../src/app.ts';
import { ADMIN_TOKEN } from '../helpers/app.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

// A PostgreSQL of this test's own, so it can be stopped without disturbing other test files.
const dataDir = `/tmp/attestant-outage-${process.pid}`;
let pg = await startEmbeddedPostgres(dataDir);
const port = pg.port;
const policyDir = scratchDir('attestant-outage-policy-');
writeFileSync(join(policyDir, 'p.yaml'), 'apiVersion: attestant.dev/v1\nkind: Policy\nmetadata: { name: lenient }\nspec:\n  environments: [dev]\n  mode: enforce\n');
const db = await openDatabase({ databaseUrl: pg.url, dataDir, poolSize: 4 });
const app = await buildApp({ config: loadConfig({ ATTESTANT_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent', ATTESTANT_POLICY_DIR: policyDir }), db, logger: false });
after(async () => {
  await app.close();
  await db.close();
  await pg.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const artifact = `sha256:${'c3'.repeat(32)}`;
const decide = () => app.inject({ method: 'POST', url: '/v1/decisions', headers: auth, payload: { artifact, environment: 'dev' } });

test('database down: 503 problem, never allow; back up: answers again without a restart', async () => {
  const ok = await decide();
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().allowed, true);

  await pg.stop();
  for (let i = 0; i < 3; i++) {
    const down = await decide();
    assert.equal(down.statusCode, 503, down.body);
    assert.match(String(down.headers['content-type']), /problem\+json/);
    assert.equal(down.json().code, 'DATABASE_UNAVAILABLE');
    assert.equal(down.json().allowed, undefined);
  }
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(ready.statusCode, 503);

  pg = await startEmbeddedPostgres(dataDir, { port });
  let back = await decide();
  for (let i = 0; i < 50 && back.statusCode !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    back = await decide();
  }
  assert.equal(back.statusCode, 200, back.body);
  assert.equal(back.json().allowed, true);
  assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
});

test('the embedded server killed under the service (the OOM killer): 503 while it is down, then answers again, nothing restarted by hand', async () => {
  const before = runningPostmaster(dataDir);
  assert.ok(before);
  process.kill(before.pid, 'SIGKILL');
  // A backend that has not yet noticed its postmaster died may still answer one more decision;
  // after that, 503 until the supervisor has a new server up. Nothing else, ever.
  let res = await decide();
  let unavailable = 0;
  for (let i = 0; i < 1500; i++) {
    assert.ok(res.statusCode === 200 || res.statusCode === 503, res.body);
    if (res.statusCode === 503) {
      assert.equal(res.json().code, 'DATABASE_UNAVAILABLE');
      unavailable++;
    }
    const now = runningPostmaster(dataDir);
    if (res.statusCode === 200 && now && now.pid !== before.pid) break;
    await new Promise((r) => setTimeout(r, 20));
    res = await decide();
  }
  assert.ok(unavailable > 0, 'decisions were refused while the server was down');
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().allowed, true);
  const after = runningPostmaster(dataDir);
  assert.ok(after && after.pid !== before.pid && after.port === port, 'the supervisor started a new server on the same port');
  assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
});
