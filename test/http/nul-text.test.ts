// U+0000 cannot be stored in PostgreSQL text or jsonb. Wherever it arrives (a JSON field, a query
// parameter, inside an uploaded document), the answer is a 400 TEXT_UNSTORABLE problem, never a
// 500, and nothing is stored. Before, each of these was a 500 from the failing statement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { testApp } from '../helpers/app.ts';
import { policyDir } from '../helpers/policies.ts';

const { dir } = policyDir({});
const t = await testApp({ policyDir: dir });
const artifact = `sha256:${'b1'.repeat(32)}`;
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

async function counts(): Promise<Record<string, number>> {
  const { rows } = await t.db.pool.query<Record<string, number>>(`SELECT
    (SELECT count(*)::int FROM api_token) AS tokens, (SELECT count(*)::int FROM policy_exception) AS exceptions,
    (SELECT count(*)::int FROM deployment) AS deployments, (SELECT count(*)::int FROM document) AS documents,
    (SELECT count(*)::int FROM component) AS components, (SELECT count(*)::int FROM audit_event) AS events`);
  return rows[0]!;
}

function assertUnstorable(res: { statusCode: number; headers: Record<string, unknown>; json: () => any; body: string }, pointer?: string, location?: string): void {
  assert.equal(res.statusCode, 400, res.body);
  assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  const p = res.json();
  assert.equal(p.code, 'TEXT_UNSTORABLE');
  assert.equal(p.pointer, pointer);
  assert.equal(p.location, location);
}

test('a NUL in a JSON body field is refused with its pointer, and nothing is stored', async () => {
  const before = await counts();
  const cases: Array<[string, unknown, string]> = [
    ['/v1/tokens', { name: 'ci\u0000', scopes: ['read'] }, '/name'],
    ['/v1/exceptions', { environment: 'prod', component: 'pkg:npm/semver', owner: 'me', justification: 'why\u0000', expiresAt: inDays(10) }, '/justification'],
    ['/v1/deployments', { artifact, service: 'svc\u0000', environment: 'prod' }, '/service'],
    ['/v1/decisions', { artifact, environment: 'prod', service: 'svc\u0000', record: true }, '/service'],
  ];
  for (const [url, payload, pointer] of cases) {
    assertUnstorable(await t.app.inject({ method: 'POST', url, headers: t.auth(), payload: payload as object }), pointer, 'body');
  }
  assert.deepEqual(await counts(), before);
});

test('a NUL in a query parameter is refused with its pointer', async () => {
  const sbom = readFileSync(new URL('../fixtures/sbom/attestant-npm.cdx.json', import.meta.url));
  const up = await t.app.inject({ method: 'POST', url: `/v1/sboms?service=svc%00&artifact=${artifact}`, headers: { ...t.auth(), 'content-type': 'application/json' }, payload: sbom });
  assertUnstorable(up, '/service', 'querystring');
  const usage = await t.app.inject({ method: 'GET', url: '/v1/components/usage?name=semver%00', headers: t.auth() });
  assertUnstorable(usage, '/name', 'querystring');
});

test('a NUL inside an uploaded SBOM is a 400, and the whole ingest is rolled back', async () => {
  const before = await counts();
  const doc = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'library', name: 'fine', version: '1.0.0', purl: 'pkg:npm/fine@1.0.0' }, { type: 'library', name: 'y\u0000z', version: '1' }] });
  assert.ok(doc.includes('\\u0000'), 'the document carries the escape, as JSON must');
  const res = await t.app.inject({ method: 'POST', url: '/v1/sboms', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: doc });
  assertUnstorable(res);
  assert.deepEqual(await counts(), before, 'no document, component or event from the refused upload');
});

test('an AdmissionReview is not refused for a NUL somewhere in the object it carries', async () => {
  const review = JSON.parse(readFileSync(new URL('../fixtures/admission/pod-tag-only.json', import.meta.url), 'utf8'));
  review.request.object.metadata.annotations = { note: 'a\u0000b' };
  const res = await t.app.inject({ method: 'POST', url: '/v1/admission?environment=prod', headers: t.auth(), payload: review });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().response.uid, review.request.uid);
  // Its environment is ours to store, and is checked.
  assertUnstorable(await t.app.inject({ method: 'POST', url: '/v1/admission?environment=pr%00od', headers: t.auth(), payload: review }), '/environment', 'querystring');
});
