import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { testApp, mintToken } from '../helpers/app.ts';

const t = await testApp();
const fixture = (name: string) => {
  const b = readFileSync(new URL(`../fixtures/sbom/${name}`, import.meta.url));
  return name.endsWith('.gz') ? gunzipSync(b) : b;
};
const ART = `sha256:${'a1'.repeat(32)}`;

test('CycloneDX JSON from cyclonedx-npm: 201, then 200 for the same bytes, one record', async () => {
  const body = fixture('attestant-npm.cdx.json');
  const first = await t.app.inject({ method: 'POST', url: `/v1/sboms?artifact=${ART}&service=api`, headers: { ...t.auth(), 'content-type': 'application/vnd.cyclonedx+json' }, payload: body });
  assert.equal(first.statusCode, 201, first.body);
  const r = first.json();
  assert.equal(r.format, 'cyclonedx');
  assert.equal(r.subject.digest, ART);
  assert.ok(r.componentCount > 100);
  const again = await t.app.inject({ method: 'POST', url: '/v1/sboms', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: body });
  assert.equal(again.statusCode, 200);
  assert.equal(again.json().id, r.id);
  const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM sbom');
  assert.equal(rows[0].n, 1);
  const members = await t.db.pool.query('SELECT count(*)::int AS n FROM sbom_component WHERE sbom_id = $1', [r.id]);
  assert.equal(members.rows[0].n, r.componentCount);
});

test('gzip bodies are accepted (Content-Encoding or magic bytes) and hash as the document', async () => {
  const body = fixture('attestant-npm.cdx.xml');
  const res = await t.app.inject({ method: 'POST', url: '/v1/sboms', headers: { ...t.auth(), 'content-type': 'application/vnd.cyclonedx+xml', 'content-encoding': 'gzip' }, payload: gzipSync(body) });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().format, 'cyclonedx');
  const plain = await t.app.inject({ method: 'POST', url: '/v1/sboms', headers: { ...t.auth(), 'content-type': 'application/xml' }, payload: body });
  assert.equal(plain.statusCode, 200);
  assert.equal(plain.json().id, res.json().id);
});

test('ingest needs the ingest scope', async () => {
  const read = await mintToken(t, ['read']);
  const res = await t.app.inject({ method: 'POST', url: '/v1/sboms', headers: { ...t.auth(read), 'content-type': 'application/json' }, payload: '{}' });
  assert.equal(res.statusCode, 403);
});

test('hostile inputs get 4xx problem+json with codes and store nothing', async () => {
  const before = (await t.db.pool.query('SELECT count(*)::int AS n FROM document')).rows[0].n;
  const cases: Array<[string, string | Buffer, string, number, string]> = [
    ['truncated JSON', '{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"a"', 'application/json', 400, 'SBOM_NOT_PARSEABLE'],
    ['wrong bomFormat', '{"bomFormat":"NotCycloneDX","specVersion":"1.5"}', 'application/json', 400, 'SBOM_UNKNOWN_FORMAT'],
    ['JSON that is not an SBOM', '{"hello":"world"}', 'application/json', 400, 'SBOM_UNKNOWN_FORMAT'],
    ['binary garbage', Buffer.from([0, 1, 2, 3, 255, 254, 7]), 'application/octet-stream', 400, 'SBOM_NOT_PARSEABLE'],
    ['empty body', '', 'application/json', 400, 'SBOM_NOT_PARSEABLE'],
    ['XML that is not CycloneDX', '<?xml version="1.0"?><html><body/></html>', 'application/xml', 400, 'SBOM_UNKNOWN_FORMAT'],
    ['bad gzip', Buffer.from([0x1f, 0x8b, 1, 2, 3]), 'application/json', 400, 'BAD_ENCODING'],
  ];
  for (const [label, payload, type, status, code] of cases) {
    const res = await t.app.inject({ method: 'POST', url: '/v1/sboms', headers: { ...t.auth(), 'content-type': type }, payload });
    assert.equal(res.statusCode, status, `${label}: ${res.body}`);
    assert.match(String(res.headers['content-type']), /problem\+json/, label);
    assert.equal(res.json().code, code, label);
  }
  const after = (await t.db.pool.query('SELECT count(*)::int AS n FROM document')).rows[0].n;
  assert.equal(after, before);
});

test('a bad artifact digest is a 400 with a pointer', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/sboms?artifact=sha256:xyz', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: fixture('attestant-npm.cdx.json') });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'INVALID_DIGEST');
  assert.equal(res.json().pointer, '/artifact');
});
