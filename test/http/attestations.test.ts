import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { testApp } from '../helpers/app.ts';

const t = await testApp();
const manifest = JSON.parse(readFileSync(new URL('../fixtures/slsa/manifest.json', import.meta.url), 'utf8')) as {
  pairs: Array<{ provenance: string; expectedBuilderId: string; expectedSourceRepo: string; expectedSourceRef: string; expectedSourceCommit: string; expectedSubjectDigest: string; predicateType: string }>;
};
const read = (p: string) => readFileSync(new URL(`../fixtures/slsa/${p}`, import.meta.url));

for (const pair of manifest.pairs) {
  test(`SLSA fixture ${pair.provenance}: verified and recorded with the manifest's exact facts`, async () => {
    const body = read(pair.provenance);
    const res = await t.app.inject({ method: 'POST', url: '/v1/attestations?service=example', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: body });
    assert.equal(res.statusCode, 201, res.body);
    const a = res.json();
    assert.equal(a.predicateType, pair.predicateType);
    assert.deepEqual(a.subjects.map((s: { digest: string }) => s.digest), [pair.expectedSubjectDigest]);
    assert.equal(a.signer.kind, 'keyless');
    assert.equal(a.signer.issuer, 'https://token.actions.githubusercontent.com');
    assert.equal(a.signer.identity, pair.expectedBuilderId);
    assert.ok(a.tlog.logIndex);
    assert.deepEqual(
      { builderId: a.provenance.builderId, sourceRepo: a.provenance.sourceRepo, sourceRef: a.provenance.sourceRef, sourceCommit: a.provenance.sourceCommit },
      { builderId: pair.expectedBuilderId, sourceRepo: pair.expectedSourceRepo, sourceRef: pair.expectedSourceRef, sourceCommit: pair.expectedSourceCommit },
    );
    const again = await t.app.inject({ method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: body });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, a.id);
    const view = await t.app.inject({ method: 'GET', url: `/v1/artifacts/${pair.expectedSubjectDigest}`, headers: t.auth() });
    assert.equal(view.statusCode, 200, view.body);
    const v = view.json();
    assert.equal(v.attestations.length, 1);
    assert.equal(v.provenance[0].builderId, pair.expectedBuilderId);
    assert.deepEqual(v.services, ['example']);
  });
}

test('a tampered bundle (one payload byte) is rejected with VERIFY_SIGNATURE and stores nothing', async () => {
  const pair = manifest.pairs[0]!;
  const text = read(pair.provenance).toString('utf8').trim().split('\n')[0]!;
  const bundle = JSON.parse(text);
  const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
  payload[payload.length - 5] = payload[payload.length - 5]! ^ 0x01;
  bundle.dsseEnvelope.payload = payload.toString('base64');
  const before = (await t.db.pool.query('SELECT count(*)::int AS n FROM document')).rows[0].n;
  const res = await t.app.inject({ method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: JSON.stringify(bundle) });
  assert.equal(res.statusCode, 422, res.body);
  assert.match(String(res.headers['content-type']), /problem\+json/);
  assert.equal(res.json().code, 'VERIFY_SIGNATURE');
  const after = (await t.db.pool.query('SELECT count(*)::int AS n FROM document')).rows[0].n;
  assert.equal(after, before);
});

test('a JSON Lines upload is all or nothing, and a refusal names its line', async () => {
  // A real, valid bundle on line 1; on line 2 the same bundle tampered with (one payload byte).
  const good = read(manifest.pairs.find((p) => p.provenance.endsWith('.jsonl'))!.provenance).toString('utf8').trim().split('\n')[0]!;
  const bundle = JSON.parse(good);
  const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
  payload[payload.length - 5] = payload[payload.length - 5]! ^ 0x01;
  bundle.dsseEnvelope.payload = payload.toString('base64');
  const count = async () => (await t.db.pool.query('SELECT (SELECT count(*) FROM document) + (SELECT count(*) FROM attestation) AS n')).rows[0].n;
  const before = await count();
  const res = await t.app.inject({ method: 'POST', url: '/v1/attestations', headers: t.auth(), payload: `${good}\n${JSON.stringify(bundle)}\n` });
  assert.equal(res.statusCode, 422, res.body);
  assert.equal(res.json().code, 'VERIFY_SIGNATURE');
  assert.match(res.json().detail, /^line 2: /);
  assert.match(res.json().pointer, /^\/1(\/|$)/);
  assert.equal(await count(), before, 'the valid first line is not stored either');
});

test('not JSON is a 400; JSON that is no bundle is MALFORMED_BUNDLE', async () => {
  const a = await t.app.inject({ method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: 'not json at all' });
  assert.equal(a.statusCode, 400);
  assert.equal(a.json().code, 'INVALID_JSON');
  const b = await t.app.inject({ method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: '{"hello":1}' });
  assert.equal(b.statusCode, 422);
  assert.equal(b.json().code, 'MALFORMED_BUNDLE');
});

test('message-signature bundles (v0.1, v0.2, v0.3, Rekor v2) are verified over their signed digest and recorded', async () => {
  const { createHash } = await import('node:crypto');
  for (const c of ['happy-path-v0.1', 'happy-path-v0.2', 'happy-path-v0.3', 'rekor2-happy-path']) {
    const dir = `../fixtures/sigstore-conformance/${c}/`;
    const bundle = readFileSync(new URL(`${dir}bundle.sigstore.json`, import.meta.url));
    const digest = `sha256:${createHash('sha256').update(readFileSync(new URL(`${dir}artifact`, import.meta.url))).digest('hex')}`;
    const res = await t.app.inject({ method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: bundle });
    if (c === 'rekor2-happy-path') {
      // Its log is a staging Rekor v2 that the built-in public-good root does not trust.
      assert.equal(res.statusCode, 422, `${c}: ${res.body}`);
      assert.equal(res.json().code, 'UNTRUSTED_ROOT');
      continue;
    }
    assert.equal(res.statusCode, 201, `${c}: ${res.body}`);
    assert.equal(res.json().predicateType, 'https://sigstore.dev/message-signature');
    assert.deepEqual(res.json().subjects.map((s: { digest: string }) => s.digest), [digest]);
    assert.equal(res.json().signer.kind, 'keyless');
  }
  const bad = await t.app.inject({ method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: readFileSync(new URL('../fixtures/sigstore-conformance/signature-mismatch_fail/bundle.sigstore.json', import.meta.url)) });
  assert.equal(bad.statusCode, 422);
  assert.equal(bad.json().code, 'VERIFY_SIGNATURE');
});
