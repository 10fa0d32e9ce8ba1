// Where-used: error contract (problem+json codes), auth, keyset paging and CSV, on the real corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken, testApp } from '../helpers/app.ts';
import { ART, ingestCorpus, usageClient, type Result } from './corpus.ts';

const t = await testApp();
const sbomOf = await ingestCorpus(t);
const { get, ok } = usageClient(t);
const L4J = 'pkg:maven/org.apache.logging.log4j';

async function problem(params: Record<string, string | number>, status: number, code?: string) {
  const res = await get(params);
  assert.equal(res.statusCode, status, `${JSON.stringify(params)} → ${res.body}`);
  assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  const body = res.json() as { code?: string; position?: number; pointer?: string };
  if (code) assert.equal(body.code, code, res.body);
  return body;
}

// ---------------------------------------------------------------- errors

test('a malformed range is 400 VERS_INVALID with the position of the error', async () => {
  const range = 'vers:maven/>=2.0.0|<<2.16.0';
  const b = await problem({ purl: `${L4J}/log4j-core`, range }, 400, 'VERS_INVALID');
  assert.equal(b.pointer, '/range');
  assert.equal(b.position, range.indexOf('<<') + 1); // the second '<'
  for (const bad of ['vers:maven', 'maven/>=2.0.0', 'vers:maven/>=', 'vers:maven/|', 'vers:Maven/>=2.0.0']) {
    const e = await problem({ purl: `${L4J}/log4j-core`, range: bad }, 400, 'VERS_INVALID');
    assert.equal(typeof e.position, 'number', bad);
  }
  // A bound the scheme cannot order would make every version "unorderable": a typo, not a range.
  const typo = 'vers:npm/>=7.0.0|<=7.x';
  const t = await problem({ purl: 'pkg:npm/semver', range: typo }, 400, 'VERS_INVALID');
  assert.equal(t.position, typo.indexOf('<=7.x'));
  // Not errors: VERSION-RANGE-SPEC says leading, trailing and consecutive pipes are ignored.
  assert.equal((await ok({ purl: `${L4J}/log4j-core`, range: 'vers:maven/|>=2.15.0||' })).matches.length, 1);
});

test('a malformed purl is 400 PURL_INVALID', async () => {
  const b = await problem({ purl: 'log4j-core' }, 400, 'PURL_INVALID');
  assert.equal(b.pointer, '/purl');
  assert.equal(b.position, 0);
  await problem({ purl: 'pkg:maven' }, 400, 'PURL_INVALID');
  await problem({ purl: 'pkg:/log4j-core' }, 400, 'PURL_INVALID');
});

test('a range whose scheme differs from the purl type is 400, pointing at the scheme', async () => {
  const b = await problem({ purl: `${L4J}/log4j-core`, range: 'vers:npm/>=2.0.0' }, 400, 'VERS_INVALID');
  assert.equal(b.pointer, '/range');
  assert.equal(b.position, 'vers:'.length);
  await problem({ purl: 'pkg:npm/%40babel/parser', range: 'vers:maven/>=1.0.0' }, 400, 'VERS_INVALID');
});

test('other request errors: version and range together, nothing to search for, limits', async () => {
  await problem({ purl: `${L4J}/log4j-core@2.14.1`, range: 'vers:maven/>=2.0.0' }, 400, 'BAD_REQUEST');
  await problem({ limit: 10 }, 400, 'BAD_REQUEST');
  await problem({ purl: `${L4J}/log4j-core`, limit: 0 }, 400);
  await problem({ purl: `${L4J}/log4j-core`, limit: 1001 }, 400);
});

test('a cursor this service did not issue is 400 INVALID_CURSOR', async () => {
  const bad = [
    'zzz',
    Buffer.from('{"key":"x"}').toString('base64url'),
    Buffer.from('[1,2,3]').toString('base64url'),
    Buffer.from('["a","b"]').toString('base64url'),
  ];
  for (const cursor of bad) {
    const b = await problem({ purl: `${L4J}/log4j-core`, cursor }, 400, 'INVALID_CURSOR');
    assert.equal(b.pointer, '/cursor');
  }
});

test('auth: no token is 401; a token without the read scope is 403; read is enough', async () => {
  const none = await t.app.inject({ method: 'GET', url: `/v1/components/usage?purl=${encodeURIComponent(`${L4J}/log4j-core`)}` });
  assert.equal(none.statusCode, 401);
  const ingestOnly = await mintToken(t, ['ingest']);
  const forbidden = await get({ purl: `${L4J}/log4j-core` }, { authorization: `Bearer ${ingestOnly}` });
  assert.equal(forbidden.statusCode, 403, forbidden.body);
  const reader = await mintToken(t, ['read']);
  const allowed = await get({ purl: `${L4J}/log4j-core` }, { authorization: `Bearer ${reader}` });
  assert.equal(allowed.statusCode, 200, allowed.body);
  assert.equal((allowed.json() as Result).matches.length, 3);
});

// ---------------------------------------------------------------- paging

async function walk(params: Record<string, string>, limit: number): Promise<{ pages: Result[]; all: Result['matches'] }> {
  const pages: Result[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await ok({ ...params, limit, cursor });
    assert.ok(page.matches.length <= limit);
    pages.push(page);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  assert.equal(cursor, undefined, 'paging did not end');
  return { pages, all: pages.flatMap((p) => p.matches) };
}

const id = (m: Result['matches'][number]) => `${m.component}|${m.artifact?.digest ?? ''}|${m.sbom}`;

test('paging with limit=2: the pages concatenate to the unpaged result, same order, no duplicates', async () => {
  for (const params of <Array<Record<string, string>>>[
    { name: 'jackson-databind' }, // 3 matches over 3 artifacts
    { purl: `${L4J}/log4j-core` }, // 3
    { purl: `${L4J}/log4j-api` }, // 3
    { name: 'junit' }, // 2, purl-less
    { name: 'uuid' }, // 2, two ecosystems
    { purl: 'pkg:maven/com.fasterxml.jackson.core/jackson-core' }, // 2, same version with/without qualifiers
  ]) {
    const unpaged = await ok({ ...params, limit: 1000 });
    assert.equal(unpaged.nextCursor, undefined);
    const { pages, all } = await walk(params, 2);
    assert.deepEqual(all.map(id), unpaged.matches.map(id), JSON.stringify(params));
    assert.deepEqual(all, unpaged.matches);
    assert.equal(new Set(all.map(id)).size, all.length);
    assert.equal(all.length, unpaged.totals.matches);
    for (const p of pages) assert.deepEqual(p.totals, unpaged.totals);
    assert.equal(pages.length, Math.max(1, Math.ceil(all.length / 2)));
    // limit=1 walks the same sequence
    assert.deepEqual((await walk(params, 1)).all.map(id), unpaged.matches.map(id));
  }
});

test('a page that ends exactly at the last match has no nextCursor', async () => {
  const r = await ok({ purl: `${L4J}/log4j-core`, limit: 3 });
  assert.equal(r.matches.length, 3);
  assert.equal(r.nextCursor, undefined);
  const r2 = await ok({ purl: `${L4J}/log4j-core`, limit: 2 });
  assert.equal(typeof r2.nextCursor, 'string');
});

// ---------------------------------------------------------------- CSV

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

test('CSV: a header and one row per match, with the same content as JSON', async () => {
  const res = await get({ purl: `${L4J}/log4j-core` }, { accept: 'text/csv' });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^text\/csv/);
  assert.equal(res.headers['x-total-matches'], '3');
  const lines = res.body.replace(/\n$/, '').split('\n');
  assert.deepEqual(lines[0], 'component,artifact,artifact_name,sbom,direct,path,services,deployments,unorderable,vex_status,vex_justification,vex_attestation');
  assert.equal(lines.length, 1 + 3);
  const rows = lines.slice(1).map(parseCsvLine).sort((a, b) => a[0]!.localeCompare(b[0]!));
  assert.deepEqual(rows.find((r) => r[0] === `${L4J}/log4j-core@2.14.1`), [
    `${L4J}/log4j-core@2.14.1`, ART.decoyA, 'decoy-a', sbomOf.get(ART.decoyA)!, 'true',
    `pkg:maven/com.example.decoy/decoy-app-a@1.0.0 > ${L4J}/log4j-core@2.14.1`, 'decoy-a', '', '', '', '', '',
  ]);
  assert.deepEqual(rows.map((r) => `${r[0]} ${r[1]}`).sort(), [
    `${L4J}/log4j-core@2.14.1 ${ART.decoyA}`,
    `${L4J}/log4j-core@2.15.0 ${ART.decoyB}`,
    `${L4J}/log4j-core@2.15.0-SNAPSHOT ${ART.decoyC}`,
  ].sort());
  // an unorderable match is marked in its column
  const h = await get({ purl: 'pkg:cargo/hyper', range: 'vers:cargo/>=0.14.0|<0.15.0' }, { accept: 'text/csv' });
  const hr = h.body.trim().split('\n');
  assert.equal(hr.length, 2);
  assert.equal(parseCsvLine(hr[1]!)[8], 'true');
});

test('CSV paging: the next cursor travels in a header and the rows continue', async () => {
  const first = await get({ name: 'jackson-databind', limit: 2 }, { accept: 'text/csv' });
  assert.equal(first.statusCode, 200);
  assert.equal(first.body.trim().split('\n').length, 1 + 2);
  const cursor = first.headers['x-next-cursor'];
  assert.equal(typeof cursor, 'string');
  const second = await get({ name: 'jackson-databind', limit: 2, cursor: String(cursor) }, { accept: 'text/csv' });
  assert.equal(second.body.trim().split('\n').length, 1 + 1);
  assert.equal(second.headers['x-next-cursor'], undefined);
  const json = await ok({ name: 'jackson-databind', limit: 1000 });
  const csvComponents = [...first.body.trim().split('\n').slice(1), ...second.body.trim().split('\n').slice(1)].map((l) => parseCsvLine(l)[0]);
  assert.deepEqual(csvComponents, json.matches.map((m) => m.component));
});
