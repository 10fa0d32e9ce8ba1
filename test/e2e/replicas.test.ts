// Two replicas on one database: facts cached by one are invalidated by evidence ingested through
// the other (PostgreSQL LISTEN/NOTIFY), and concurrent misses share one load.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connectDatabase } from '../../src/platform/database.ts';
import { loadConfig } from '../../src/config/index.ts';
import { buildApp } from '../../src/app.ts';
import { freshDatabase, ADMIN_TOKEN } from '../helpers/app.ts';
import { policyDir, SLSA_GENERATOR_BUILDERS } from '../helpers/policies.ts';

const policies = policyDir({ require: { provenance: { builders: SLSA_GENERATOR_BUILDERS }, sbom: true } });
const shared = await freshDatabase();
async function replica() {
  const db = connectDatabase(shared.url, { poolSize: 4 });
  const app = await buildApp({ config: loadConfig({ ATTESTANT_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent', ATTESTANT_POLICY_DIR: policies.dir }), db, logger: false });
  await app.ready();
  after(async () => { await app.close(); await db.close(); });
  return app;
}
const a = await replica();
const b = await replica();
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const manifest = JSON.parse(readFileSync(new URL('../fixtures/slsa/manifest.json', import.meta.url), 'utf8'));
const pair = manifest.pairs[0];
const artifact: string = pair.expectedSubjectDigest;
const decideOn = async (app: typeof a) => (await app.inject({ method: 'POST', url: '/v1/decisions', headers: auth, payload: { artifact, environment: 'prod' } })).json();

// Up to 5 s: a notice normally arrives in milliseconds, but a loaded CI machine must not fail it.
async function until(f: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 250; i++) {
    if (await f()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

test('evidence ingested on replica B invalidates replica A\'s cached facts', async () => {
  const first = await decideOn(a);
  assert.equal(first.allowed, false);
  assert.equal(a.factsCache.size, 1, 'A cached the (empty) facts');

  const att = await b.inject({ method: 'POST', url: '/v1/attestations', headers: { ...auth, 'content-type': 'application/json' }, payload: readFileSync(new URL(`../fixtures/slsa/${pair.provenance}`, import.meta.url)) });
  assert.equal(att.statusCode, 201);
  assert.ok(await until(async () => a.factsCache.size === 0), 'the NOTIFY from B reached A');
  const second = await decideOn(a);
  assert.equal(second.reasons.find((r: { rule: string }) => r.rule === 'provenance').outcome, 'pass');
  assert.equal(second.reasons.find((r: { rule: string }) => r.rule === 'sbom').outcome, 'fail');

  const sbom = await b.inject({ method: 'POST', url: `/v1/sboms?artifact=${artifact}`, headers: { ...auth, 'content-type': 'application/json' }, payload: readFileSync(new URL('../fixtures/sbom/upstream/cdx-spec-valid-dependency-1.5.json', import.meta.url)) });
  assert.equal(sbom.statusCode, 201);
  assert.ok(await until(async () => (await decideOn(a)).allowed === true), 'A allows once B stored the SBOM');
});

test('concurrent misses for one artifact share a single load', async () => {
  a.factsCache.clear();
  const misses = a.factsCache.misses;
  const results = await Promise.all(Array.from({ length: 20 }, () => decideOn(a)));
  assert.ok(results.every((r) => r.allowed === true));
  assert.equal(a.factsCache.misses - misses, 1);
});
