// Policy files change under a running service (a ConfigMap the kubelet rewrites on every node):
// each replica applies valid changes by itself, refuses invalid ones once and keeps the previous
// policy, and a reload through the API on one replica makes the others check their files at once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectDatabase } from '../../src/platform/database.ts';
import { loadConfig } from '../../src/config/index.ts';
import { buildApp } from '../../src/app.ts';
import { freshDatabase, ADMIN_TOKEN } from '../helpers/app.ts';
import { policyDir } from '../helpers/policies.ts';

const shared = await freshDatabase();
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const ARTIFACT = `sha256:${'e'.repeat(64)}`;

async function replica(dir: string, watchMs: number) {
  const db = connectDatabase(shared.url, { poolSize: 4 });
  const app = await buildApp({ config: loadConfig({ ATTESTANT_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent', ATTESTANT_POLICY_DIR: dir }, { configWatchMs: watchMs }), db, logger: false });
  await app.ready();
  after(async () => { await app.close(); await db.close(); });
  return app;
}
type App = Awaited<ReturnType<typeof replica>>;

async function policyOf(app: App): Promise<{ name: string; digest: string; mode: string }> {
  const res = await app.inject({ method: 'POST', url: '/v1/decisions', headers: auth, payload: { artifact: ARTIFACT, environment: 'prod' } });
  assert.equal(res.statusCode, 200, res.body);
  return { ...res.json().policy, mode: res.json().mode };
}

async function metric(app: App, line: RegExp): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const m = text.split('\n').find((l) => line.test(l));
  return m === undefined ? 0 : Number(m.split(' ').pop());
}

async function until(what: string, f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`never: ${what}`);
}

test('changed policy files are applied without a reload; an invalid change is refused once and the previous policy stays', async () => {
  const files = policyDir({ name: 'production', mode: 'enforce' });
  const app = await replica(files.dir, 20);
  const first = await policyOf(app);
  assert.equal(first.mode, 'enforce');

  files.write('policy-0.yaml', { name: 'production', mode: 'warn' });
  await until('the warn policy is in force', async () => (await policyOf(app)).mode === 'warn');
  const second = await policyOf(app);
  assert.notEqual(second.digest, first.digest);
  assert.equal(await metric(app, /^attestant_config_reloads_total\{trigger="watch",result="applied"\}/), 1);
  const info = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  assert.ok(info.includes(`attestant_policy_info{name="production",digest="${second.digest}",mode="warn"} 1`), 'the policy in force is exported');
  assert.ok(!info.includes(first.digest), 'and only that one');

  // Half an edit: not YAML a policy can be read from.
  files.write('policy-0.yaml', 'apiVersion: attestant.dev/v1\nkind: Policy\nmetadata: { name: production }\nspec:\n  environments: [prod\n');
  await until('the invalid change is refused', async () => (await metric(app, /^attestant_config_reloads_total\{trigger="watch",result="refused"\}/)) === 1);
  // Many more checks run meanwhile; the refusal is reported once, and the previous policy decides.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await metric(app, /^attestant_config_reloads_total\{trigger="watch",result="refused"\}/), 1);
  assert.deepEqual(await policyOf(app), second);

  files.write('policy-0.yaml', { name: 'production', mode: 'dry-run' });
  await until('the fixed policy is in force', async () => (await policyOf(app)).mode === 'dry-run');
  assert.equal(await metric(app, /^attestant_config_reloads_total\{trigger="watch",result="applied"\}/), 2);
});

test('a reload through the API on one replica makes the others check their own files at once', async () => {
  // Each replica reads its own copy of the files, as each pod mounts the ConfigMap; no timer runs.
  const filesA = policyDir({ name: 'production', mode: 'enforce' });
  const filesB = policyDir({ name: 'production', mode: 'enforce' });
  const a = await replica(filesA.dir, 0);
  const b = await replica(filesB.dir, 0);
  const before = await policyOf(b);

  filesA.write('policy-0.yaml', { name: 'production', mode: 'warn' });
  filesB.write('policy-0.yaml', { name: 'production', mode: 'warn' });
  assert.deepEqual(await policyOf(b), before, 'nothing checks B\'s files by itself');

  const reload = await a.inject({ method: 'POST', url: '/v1/admin/reload', headers: auth });
  assert.equal(reload.statusCode, 200, reload.body);
  assert.equal(reload.json().replicasNotified, true);
  assert.equal((await policyOf(a)).mode, 'warn');
  await until('B applied its files after A\'s notice', async () => (await policyOf(b)).mode === 'warn');
  assert.equal((await policyOf(b)).digest, (await policyOf(a)).digest, 'same bytes, same digest on both replicas');
  assert.equal(await metric(b, /^attestant_config_reloads_total\{trigger="notice",result="applied"\}/), 1);
  assert.equal(await metric(a, /^attestant_config_reloads_total\{trigger="api",result="applied"\}/), 1);

  // A replica whose files did not change ignores the notice.
  const again = await a.inject({ method: 'POST', url: '/v1/admin/reload', headers: auth });
  assert.equal(again.statusCode, 200);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await metric(b, /^attestant_config_reloads_total\{trigger="notice",result="applied"\}/), 1);
});

test('a change refused through the API is not refused (and reported) again by the timer', async () => {
  const files = policyDir({ name: 'production', mode: 'enforce' });
  const app = await replica(files.dir, 20);
  files.write('policy-0.yaml', 'apiVersion: attestant.dev/v1\nkind: Policy\nmetadata: { name: production }\nspec: [\n');
  const res = await app.inject({ method: 'POST', url: '/v1/admin/reload', headers: auth });
  assert.equal(res.statusCode, 422, res.body);
  assert.equal(res.json().code, 'POLICY_INVALID');
  assert.equal(await metric(app, /^attestant_config_reloads_total\{trigger="api",result="refused"\}/), 1);
  // Many checks run meanwhile.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await metric(app, /^attestant_config_reloads_total\{trigger="watch",result="refused"\}/), 0);
  assert.equal((await policyOf(app)).mode, 'enforce', 'the previous policy still decides');
});

test('ATTESTANT_CONFIG_WATCH_SECONDS: 10 s by default, 0 turns the watch off', () => {
  assert.equal(loadConfig({}).configWatchMs, 10_000);
  assert.equal(loadConfig({ ATTESTANT_CONFIG_WATCH_SECONDS: '0' }).configWatchMs, 0);
  assert.throws(() => loadConfig({ ATTESTANT_CONFIG_WATCH_SECONDS: '-5' }), /ATTESTANT_CONFIG_WATCH_SECONDS/);
});
