// The stored evidence, read back: an SBOM's or an attestation's record, and the document itself,
// byte for byte, so it can be handed to another tool or verified again elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { testApp, mintToken } from '../helpers/app.ts';
import { attestationMediaType } from '../../src/http/document-response.ts';

const t = await testApp();
const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const ARTIFACT = `sha256:${'3e'.repeat(32)}`;

test('an SBOM: its record, and its document exactly as uploaded (gzip undone), with its digest', async () => {
  const bytes = fixture('sbom/attestant-npm.cdx.xml');
  const up = await t.app.inject({
    method: 'POST', url: `/v1/sboms?artifact=${ARTIFACT}&service=evidence`,
    headers: { ...t.auth(), 'content-type': 'application/xml', 'content-encoding': 'gzip' }, payload: gzipSync(bytes),
  });
  assert.equal(up.statusCode, 201, up.body);
  const posted = up.json();
  const reader = await mintToken(t, ['read']);

  const rec = await t.app.inject({ method: 'GET', url: `/v1/sboms/${posted.id}`, headers: t.auth(reader) });
  assert.equal(rec.statusCode, 200, rec.body);
  const r = rec.json();
  for (const k of ['id', 'digest', 'format', 'specVersion', 'subject', 'componentCount', 'warnings']) assert.deepEqual(r[k], posted[k], k);
  assert.equal(r.encoding, 'xml');
  assert.deepEqual(r.artifacts, [ARTIFACT]);
  assert.equal(r.attestationId, null);
  assert.ok(!Number.isNaN(Date.parse(r.createdAt)));

  const doc = await t.app.inject({ method: 'GET', url: `/v1/sboms/${posted.id}/document`, headers: t.auth(reader) });
  assert.equal(doc.statusCode, 200);
  assert.ok(doc.rawPayload.equals(bytes), 'the uploaded bytes, decompressed');
  assert.equal(doc.headers['content-type'], 'application/vnd.cyclonedx+xml', 'the registered type, not the generic one the upload declared');
  assert.equal(doc.headers['repr-digest'], `sha-256=:${sha256(bytes).toString('base64')}:`);
  assert.equal(doc.headers.etag, `"${posted.digest}"`);
  assert.equal(`sha256:${sha256(doc.rawPayload).toString('hex')}`, posted.digest);
});

test('an attestation: its record, and the bundle it was verified from, which verifies again as it is', async () => {
  const manifest = JSON.parse(fixture('slsa/manifest.json').toString('utf8'));
  const pair = manifest.pairs[0];
  const bytes = fixture(`slsa/${pair.provenance}`);
  const up = await t.app.inject({ method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: bytes });
  assert.equal(up.statusCode, 201, up.body);
  const posted = up.json();

  const rec = await t.app.inject({ method: 'GET', url: `/v1/attestations/${posted.id}`, headers: t.auth() });
  assert.equal(rec.statusCode, 200, rec.body);
  const r = rec.json();
  assert.equal(r.digest, posted.digest);
  assert.equal(r.envelopeIndex, 0);
  assert.equal(r.predicateType, posted.predicateType);
  assert.equal(r.predicateKind, 'slsa-provenance-v0.2');
  assert.deepEqual(r.subjects, posted.subjects);
  assert.deepEqual(r.signer, posted.signer);
  assert.deepEqual(r.tlog, posted.tlog);
  assert.deepEqual(r.provenance, posted.provenance);
  assert.ok(!Number.isNaN(Date.parse(r.verifiedAt)));

  const doc = await t.app.inject({ method: 'GET', url: `/v1/attestations/${posted.id}/document`, headers: t.auth() });
  assert.equal(doc.statusCode, 200);
  assert.ok(doc.rawPayload.equals(bytes));
  assert.equal(doc.headers['content-type'], 'application/vnd.dev.sigstore.bundle.v0.3+json; charset=utf-8');
  assert.equal(`sha256:${sha256(doc.rawPayload).toString('hex')}`, posted.digest);
  // What was downloaded is the evidence: it verifies again, for the same subject and signer.
  const again = await t.app.inject({
    method: 'POST', url: '/v1/verify', headers: t.auth(),
    payload: { bundle: doc.rawPayload.toString('utf8'), artifactDigest: pair.expectedSubjectDigest, expect: { identity: posted.signer.identity, issuer: posted.signer.issuer } },
  });
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(again.json().verified, true, again.body);
});

test('unknown ids are 404 problems, malformed ids 400 with a pointer, and reading needs the read scope', async () => {
  for (const url of [`/v1/sboms/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, `/v1/attestations/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/document`]) {
    const res = await t.app.inject({ method: 'GET', url, headers: t.auth() });
    assert.equal(res.statusCode, 404, url);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.json().code, 'NOT_FOUND');
  }
  const bad = await t.app.inject({ method: 'GET', url: '/v1/sboms/not-a-uuid/document', headers: t.auth() });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().pointer, '/id');
  const ingestOnly = await mintToken(t, ['ingest']);
  assert.equal((await t.app.inject({ method: 'GET', url: `/v1/sboms/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, headers: t.auth(ingestOnly) })).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'GET', url: `/v1/attestations/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}` })).statusCode, 401);
});

test('an attestation document names its own media type', () => {
  const bundle = Buffer.from(JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.2', verificationMaterial: {} }));
  assert.equal(attestationMediaType(bundle), 'application/vnd.dev.sigstore.bundle+json;version=0.2');
  assert.equal(attestationMediaType(fixture('private-sigstore/envelope-p256.json')), 'application/vnd.dsse.envelope.v1+json');
  assert.equal(attestationMediaType(Buffer.from(`${bundle}\n${bundle}\n`)), 'application/vnd.in-toto+jsonl');
  assert.equal(attestationMediaType(Buffer.from('{"other": true}')), 'application/json');
});
