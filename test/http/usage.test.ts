import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { testApp } from '../helpers/app.ts';

const t = await testApp();
const ART = `sha256:${'b2'.repeat(32)}`;
const npmSbom = readFileSync(new URL('../fixtures/sbom/attestant-npm.cdx.json', import.meta.url));
const lock = JSON.parse(readFileSync(new URL('../fixtures/sbom/attestant-npm.cdx.json', import.meta.url), 'utf8')) as { components: Array<{ name: string; group?: string; version: string; purl?: string }> };

const up = await t.app.inject({ method: 'POST', url: `/v1/sboms?artifact=${ART}&service=checkout&name=attestant`, headers: { ...t.auth(), 'content-type': 'application/json' }, payload: npmSbom });
assert.equal(up.statusCode, 201, up.body);

function usage(qs: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url: `/v1/components/usage?${qs}`, headers: { ...t.auth(), ...headers } });
}

test('a direct dependency is found, marked direct, with its artifact and service', async () => {
  const res = await usage('purl=pkg:npm/fastify');
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  const fastify = lock.components.find((c) => c.name === 'fastify' && !c.group)!;
  assert.equal(body.totals.components, 1);
  assert.equal(body.matches.length, 1);
  const m = body.matches[0];
  assert.equal(m.component, `pkg:npm/fastify@${fastify.version}`);
  assert.equal(m.direct, true);
  assert.deepEqual(m.artifact, { digest: ART, name: 'attestant' });
  assert.deepEqual(m.services, ['checkout']);
  assert.equal(m.path.length, 2);
  assert.equal(m.path[1], m.component);
});

test('a transitive dependency comes with a path from the root through a direct dependency', async () => {
  const res = await usage('purl=pkg:npm/avvio');
  const m = res.json().matches[0];
  assert.equal(m.direct, false);
  assert.ok(m.path.length >= 3, JSON.stringify(m.path));
  assert.equal(m.path[m.path.length - 1], m.component);
});

test('ranges: a version exactly on an exclusive bound does not match; inclusive does', async () => {
  const fastify = lock.components.find((c) => c.name === 'fastify' && !c.group)!;
  const v = fastify.version;
  assert.equal((await usage(`purl=pkg:npm/fastify&range=${encodeURIComponent(`vers:npm/<${v}`)}`)).json().matches.length, 0);
  assert.equal((await usage(`purl=pkg:npm/fastify&range=${encodeURIComponent(`vers:npm/<=${v}`)}`)).json().matches.length, 1);
  assert.equal((await usage(`purl=pkg:npm/fastify&range=${encodeURIComponent(`vers:npm/>${v}`)}`)).json().matches.length, 0);
  assert.equal((await usage(`purl=pkg:npm/fastify&range=${encodeURIComponent(`vers:npm/>=${v}|<${v.split('.')[0]! + 1}.0.0`)}`)).json().matches.length, 1);
});

test('a malformed range is a 400 with the error position', async () => {
  const res = await usage(`purl=pkg:npm/fastify&range=${encodeURIComponent('vers:npm/>=1.0.0|<<2')}`);
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'VERS_INVALID');
  assert.equal(typeof res.json().position, 'number');
});

test('the same name in another ecosystem does not match a purl query; name search is fuzzy across ecosystems', async () => {
  assert.equal((await usage('purl=pkg:pypi/fastify')).json().matches.length, 0);
  const byName = (await usage('name=fastify')).json();
  assert.ok(byName.matches.length >= 1);
  assert.ok(byName.matches.every((m: { fuzzy: boolean }) => m.fuzzy === true));
});

test('paging is stable and CSV export works', async () => {
  const all = (await usage('name=semver&limit=1000')).json();
  const total = all.totals.matches;
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = (await usage(`name=semver&limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json();
    for (const m of page.matches) seen.push(`${m.component}|${m.sbom}`);
    cursor = page.nextCursor;
  } while (cursor);
  assert.equal(seen.length, total);
  assert.equal(new Set(seen).size, total);
  const csv = await usage('purl=pkg:npm/fastify', { accept: 'text/csv' });
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.match(csv.body.split('\n')[0]!, /^component,artifact/);
  assert.equal(csv.body.trim().split('\n').length, 2);
});

test('a cursor only works for the query that issued it', async () => {
  const first = (await usage('name=semver&limit=1')).json();
  assert.ok(first.nextCursor);
  const other = await usage(`name=fastify&limit=1&cursor=${first.nextCursor}`);
  assert.equal(other.statusCode, 400);
  assert.equal(other.json().code, 'INVALID_CURSOR');
});
