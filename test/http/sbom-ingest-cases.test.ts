// SBOM ingest through HTTP: every format, schema findings, strict mode, limits and hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { testApp } from '../helpers/app.ts';

const t = await testApp({ bodyLimitBytes: 25 * 1024 * 1024 });
const up = (payload: string | Buffer, type = 'application/json', qs = '') =>
  t.app.inject({ method: 'POST', url: `/v1/sboms${qs}`, headers: { ...t.auth(), 'content-type': type }, payload });
const file = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url));

const cdx = (extra: Record<string, unknown>) => JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, metadata: { component: { 'bom-ref': 'root', type: 'application', name: 'app', version: '1.0.0' } }, ...extra });

test('every format: CycloneDX JSON/XML 1.2-1.6, SPDX 2.3 JSON, SPDX 2.2 tag-value', async () => {
  const cases: Array<[string, string, string, string]> = [
    ['sbom/upstream/cdx-spec-valid-assembly-1.2.json', 'application/vnd.cyclonedx+json', 'cyclonedx', '1.2'],
    ['sbom/upstream/cdx-spec-valid-dependency-1.3.xml', 'application/vnd.cyclonedx+xml', 'cyclonedx', '1.3'],
    ['sbom/attestant-npm-1.4.cdx.json', 'application/json', 'cyclonedx', '1.4'],
    ['sbom/upstream/cdx-spec-valid-dependency-1.5.json', 'application/json', 'cyclonedx', '1.5'],
    ['sbom/attestant-npm.cdx.xml', 'application/xml', 'cyclonedx', '1.6'],
    ['sbom/upstream/spdx-examples-03-SBOMwDependency.spdx.json', 'application/spdx+json', 'spdx', '2.3'],
    ['sbom/upstream/spdx-examples-example6-lib.spdx', 'text/spdx', 'spdx', '2.2'],
  ];
  for (const [p, type, format, version] of cases) {
    const res = await up(file(p), type);
    assert.equal(res.statusCode, 201, `${p}: ${res.body}`);
    assert.equal(res.json().format, format, p);
    assert.equal(res.json().specVersion, version, p);
  }
});

test('schema findings come back as warnings with JSON pointers; strict=true rejects with 422 listing them', async () => {
  const doc = cdx({ components: [{ type: 'library', name: 'a', version: '1', purl: 'pkg:npm/a@1', 'bom-ref': 'a', nome: 'typo' }] });
  const lenient = await up(doc);
  assert.equal(lenient.statusCode, 201, lenient.body);
  const w = lenient.json().warnings;
  assert.ok(w.some((x: { code: string; pointer?: string }) => x.code === 'SCHEMA' && x.pointer?.startsWith('/components/0')), JSON.stringify(w));
  const stored = await t.db.pool.query('SELECT findings FROM sbom WHERE id = $1', [lenient.json().id]);
  assert.deepEqual(stored.rows[0].findings, w);
  const strictDoc = doc.replace('"typo"', '"typo2"');
  const strict = await up(strictDoc, 'application/json', '?strict=true');
  assert.equal(strict.statusCode, 422);
  assert.equal(strict.json().code, 'SBOM_SCHEMA_INVALID');
  assert.ok(strict.json().errors.length >= 1);
});

test('odd but usable documents are kept, with findings: duplicate bom-refs, a dependency cycle, a bad purl', async () => {
  const doc = cdx({
    components: [
      { type: 'library', 'bom-ref': 'a', name: 'a', version: '1.0.0', purl: 'pkg:npm/a@1.0.0' },
      { type: 'library', 'bom-ref': 'a', name: 'a-dup', version: '2.0.0', purl: 'pkg:npm/a-dup@2.0.0' },
      { type: 'library', 'bom-ref': 'b', name: 'b', version: '1.0.0', purl: 'pkg:npm/b@1.0.0' },
      { type: 'library', 'bom-ref': 'bad', name: 'broken', version: '0.1', purl: 'pkg:/no-type@@' },
    ],
    dependencies: [{ ref: 'root', dependsOn: ['a'] }, { ref: 'a', dependsOn: ['b'] }, { ref: 'b', dependsOn: ['a'] }],
  });
  const res = await up(doc);
  assert.equal(res.statusCode, 201, res.body);
  const codes = res.json().warnings.map((w: { code: string }) => w.code);
  assert.ok(codes.includes('DUPLICATE_REF'), codes.join());
  assert.ok(codes.includes('PURL_INVALID'), codes.join());
  assert.equal(res.json().componentCount, 4);
  const broken = await t.app.inject({ method: 'GET', url: '/v1/components/usage?name=broken', headers: t.auth() });
  assert.equal(broken.json().matches.length, 1, 'a component with a bad purl is still searchable by name');
  const b = await t.app.inject({ method: 'GET', url: '/v1/components/usage?purl=pkg:npm/b', headers: t.auth() });
  assert.deepEqual(b.json().matches[0].path, ['app@1.0.0', 'pkg:npm/a@1.0.0', 'pkg:npm/b@1.0.0']);
});

test('deeply nested components (2,000 levels) are parsed without a stack overflow', async () => {
  let c: Record<string, unknown> = { type: 'library', name: 'leaf', version: '1', purl: 'pkg:npm/leaf@1' };
  for (let i = 0; i < 2000; i++) c = { type: 'library', name: `n${i}`, version: '1', purl: `pkg:npm/n${i}@1`, components: [c] };
  const res = await up(cdx({ components: [c] }));
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().componentCount, 2001);
});

test('a 20 MB document is ingested; over the body limit is a 413', async () => {
  const pad = 'x'.repeat(420);
  const components = Array.from({ length: 40_000 }, (_, i) => ({ type: 'library', 'bom-ref': `c${i}`, name: `big-${i}`, version: '1.0.0', purl: `pkg:npm/big-${i}@1.0.0`, description: pad }));
  const doc = cdx({ components });
  assert.ok(doc.length > 20 * 1024 * 1024, String(doc.length));
  const res = await up(doc);
  assert.equal(res.statusCode, 201, res.body.slice(0, 500));
  assert.equal(res.json().componentCount, 40_000);
  // Spilled to disk and streamed into COPY: stored byte-exact, memberships and edges all there.
  const stored = await t.db.pool.query<{ ok: boolean; size: number; members: string; edges: string }>(
    `SELECT d.content = $2::bytea AS ok, d.size_bytes AS size,
            (SELECT count(*) FROM sbom_component WHERE sbom_id = s.id) AS members,
            (SELECT count(*) FROM dependency_edge WHERE sbom_id = s.id) AS edges
     FROM sbom s JOIN document d ON d.id = s.document_id WHERE s.id = $1`, [res.json().id, Buffer.from(doc)]);
  assert.deepEqual(stored.rows[0], { ok: true, size: Buffer.byteLength(doc), members: '40000', edges: '0' });
  const again = await up(doc);
  assert.equal(again.statusCode, 200);
  assert.equal(again.json().id, res.json().id);
  const tooBig = await up(doc + ' '.repeat(6 * 1024 * 1024));
  assert.equal(tooBig.statusCode, 413);
  assert.equal(tooBig.json().code, 'PAYLOAD_TOO_LARGE');
});

test('a wrong content type that contradicts the bytes is rejected with a code', async () => {
  const res = await up(cdx({ components: [] }), 'application/vnd.cyclonedx+xml');
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'SBOM_UNKNOWN_FORMAT');
  const arr = await up('[1,2,3]');
  assert.equal(arr.statusCode, 400);
});

test('a component too long to index is a 400 naming it, and nothing of the document is stored', async () => {
  const count = async () => (await t.db.pool.query<{ n: number }>('SELECT (SELECT count(*) FROM document) + (SELECT count(*) FROM component) AS n')).rows[0]!.n;
  const before = await count();
  // Random letters: PostgreSQL compresses a repetitive value below the limit, not this one.
  let seed = 42;
  const name = Array.from({ length: 9000 }, () => String.fromCharCode(97 + ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 26))).join('');
  const res = await up(cdx({ components: [{ type: 'library', name: 'fine', version: '1', purl: 'pkg:npm/fine@1' }, { type: 'library', name, version: '1' }] }));
  assert.equal(res.statusCode, 400, res.body);
  assert.equal(res.json().code, 'SBOM_INVALID');
  assert.equal(res.json().pointer, '/components/1');
  assert.match(res.json().detail, /cannot be indexed/);
  assert.equal(await count(), before);
});

test('without ?artifact the subject is taken from the document hashes', async () => {
  const hex = 'f'.repeat(64);
  const doc = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, metadata: { component: { type: 'container', name: 'img', hashes: [{ alg: 'SHA-256', content: hex }] } }, components: [] });
  const res = await up(doc);
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().subject.digest, `sha256:${hex}`);
});

test('concurrent uploads sharing components all commit, without deadlocks or duplicate components', async () => {
  const docs = Array.from({ length: 6 }, (_, d) => cdx({
    serialNumber: `urn:uuid:00000000-0000-4000-8000-00000000000${d}`,
    // Overlapping component sets in different orders.
    components: Array.from({ length: 300 }, (_, i) => (i * (d + 1)) % 300).map((i) => ({ type: 'library', 'bom-ref': `c${i}`, name: `shared-${i}`, version: '1.0.0', purl: `pkg:npm/shared-${i}@1.0.0` })),
  }));
  const results = await Promise.all(docs.map((doc) => up(doc)));
  for (const r of results) assert.equal(r.statusCode, 201, r.body);
  const { rows } = await t.db.pool.query("SELECT count(*)::int AS n FROM component WHERE name LIKE 'shared-%'");
  assert.equal(rows[0].n, 300);
  const again = await Promise.all(docs.map((doc) => up(doc)));
  for (const r of again) assert.equal(r.statusCode, 200);
});

test('the SPDX 2.3 specification example: subject from the described package, purls, relationships, files ignored', async () => {
  const res = await up(file('sbom/spdx-spec/SPDXJSONExample-v2.3.excerpt.spdx.json'), 'application/spdx+json', `?artifact=sha256:${'5d'.repeat(32)}&service=spdx-example`);
  assert.equal(res.statusCode, 201, res.body);
  const r = res.json();
  assert.equal(r.format, 'spdx');
  assert.equal(r.specVersion, '2.3');
  // documentDescribes names a file and a package; the package (glibc) is the subject.
  assert.equal(r.subject.name, 'glibc');
  // Commons Lang, Jena and Saxon; glibc is the root; files and the snippet are not components.
  assert.equal(r.componentCount, 3);
  const usage = async (q: string) => (await t.app.inject({ method: 'GET', url: `/v1/components/usage?${q}`, headers: t.auth() })).json();
  const jena = await usage('purl=pkg:maven/org.apache.jena/apache-jena@3.12.0');
  assert.equal(jena.matches.length, 1);
  assert.equal(jena.matches[0].direct, false, 'nothing in the document links glibc to Jena');
  const saxon = await usage('name=Saxon');
  assert.equal(saxon.matches.length, 1);
  assert.equal(saxon.matches[0].direct, true, 'glibc DYNAMIC_LINK Saxon');
  assert.deepEqual(saxon.matches[0].path, ['glibc@2.11.1', 'Saxon@8.8']);
  assert.equal((await usage('name=Apache Commons Lang')).matches.length, 1);
});

test('SPDX 2.3 from npm\'s own generator: every package, and DEPENDENCY_OF (child to parent) gives direct flags and paths', async () => {
  const bytes = file('sbom/attestant-npm-prod.spdx.json');
  const doc = JSON.parse(bytes.toString('utf8')) as {
    documentDescribes: string[];
    packages: Array<{ SPDXID: string; externalRefs?: Array<{ referenceType: string; referenceLocator: string }> }>;
    relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
  };
  // What the document itself says, read here without the service's parser.
  const purlOf = new Map(doc.packages.map((p) => [p.SPDXID, p.externalRefs?.find((r) => r.referenceType === 'purl')?.referenceLocator]));
  const root = doc.documentDescribes[0]!;
  const parentsOf = new Map<string, Set<string>>();
  for (const r of doc.relationships) {
    if (r.relationshipType !== 'DEPENDENCY_OF') continue;
    if (!parentsOf.has(r.spdxElementId)) parentsOf.set(r.spdxElementId, new Set());
    parentsOf.get(r.spdxElementId)!.add(r.relatedSpdxElement);
  }
  const direct = [...parentsOf].filter(([, parents]) => parents.has(root)).map(([id]) => id);
  const transitive = [...parentsOf].filter(([id, parents]) => !parents.has(root) && id !== root).map(([id]) => id);
  assert.ok(direct.length > 5 && transitive.length > 5, 'the fixture has both kinds');

  const res = await up(bytes, 'application/spdx+json', `?artifact=sha256:${'6e'.repeat(32)}`);
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().format, 'spdx');
  assert.equal(res.json().specVersion, '2.3');
  assert.equal(res.json().subject.purl, purlOf.get(root));
  assert.equal(res.json().componentCount, doc.packages.length - 1, 'every package but the described one');

  // Other tests in this file store SBOMs of the same packages: only this document's matches count.
  type Match = { sbom: string; direct: boolean; path: string[] };
  const usage = async (purl: string): Promise<Match[]> => {
    const r = await t.app.inject({ method: 'GET', url: `/v1/components/usage?purl=${encodeURIComponent(purl)}`, headers: t.auth() });
    assert.equal(r.statusCode, 200, r.body);
    return (r.json().matches as Match[]).filter((x) => x.sbom === res.json().id);
  };
  const d = await usage(purlOf.get(direct[0]!)!);
  assert.equal(d.length, 1, JSON.stringify(d));
  assert.equal(d[0]!.direct, true);
  // A transitive package: not direct, and its path runs from the root through DEPENDENCY_OF links.
  const id = transitive[0]!;
  const m = await usage(purlOf.get(id)!);
  assert.equal(m.length, 1);
  assert.equal(m[0]!.direct, false);
  const path = m[0]!.path;
  assert.ok(path.length >= 3, JSON.stringify(path));
  assert.equal(path[0], purlOf.get(root));
  assert.equal(path[path.length - 1], purlOf.get(id));
  const idOf = new Map([...purlOf].map(([k, v]) => [v, k]));
  for (let i = 1; i < path.length; i++) {
    assert.ok(parentsOf.get(idOf.get(path[i]!)!)?.has(idOf.get(path[i - 1]!)!), `${path[i]} is a DEPENDENCY_OF ${path[i - 1]}`);
  }
});

test('CycloneDX 1.6 from cdxgen (bom-refs that are unencoded purls): every component, and dependsOn gives direct flags and paths', async () => {
  const bytes = file('sbom/attestant-cdxgen.cdx.json');
  const doc = JSON.parse(bytes.toString('utf8')) as {
    metadata: { component: { 'bom-ref': string; purl: string } };
    components: Array<{ 'bom-ref': string; purl?: string; scope?: string }>;
    dependencies: Array<{ ref: string; dependsOn?: string[] }>;
  };
  // What the document itself says, read here without the service's parser.
  const purlOf = new Map(doc.components.map((c) => [c['bom-ref'], c.purl]));
  const root = doc.metadata.component;
  purlOf.set(root['bom-ref'], root.purl);
  assert.ok([...purlOf].some(([ref, purl]) => ref !== purl), 'the fixture\'s bom-refs are not its purls');
  const childrenOf = new Map(doc.dependencies.map((d) => [d.ref, new Set(d.dependsOn ?? [])]));
  const direct = [...childrenOf.get(root['bom-ref'])!];
  const transitive = doc.components.map((c) => c['bom-ref']).filter((ref) => !childrenOf.get(root['bom-ref'])!.has(ref));
  assert.ok(direct.length > 5 && transitive.length > 5, 'the fixture has both kinds');

  const res = await up(bytes, 'application/vnd.cyclonedx+json', `?artifact=sha256:${'cd'.repeat(32)}`);
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().specVersion, '1.6');
  assert.equal(res.json().subject.purl, root.purl);
  assert.equal(res.json().componentCount, doc.components.length);
  assert.deepEqual(res.json().warnings, []);

  type Match = { sbom: string; direct: boolean; path: string[] };
  const usage = async (purl: string): Promise<Match[]> => {
    const r = await t.app.inject({ method: 'GET', url: `/v1/components/usage?purl=${encodeURIComponent(purl)}`, headers: t.auth() });
    assert.equal(r.statusCode, 200, r.body);
    return (r.json().matches as Match[]).filter((x) => x.sbom === res.json().id);
  };
  // A dev dependency (scope "optional" here) is still in the inventory: responders need it too.
  const dev = doc.components.find((c) => c.scope === 'optional' && direct.includes(c['bom-ref']))!;
  const d = await usage(dev.purl!);
  assert.equal(d.length, 1, JSON.stringify(d));
  assert.equal(d[0]!.direct, true);
  // A transitive package: not direct, and its path runs from the root along dependsOn links.
  const ref = transitive.find((r) => [...childrenOf.values()].some((c) => c.has(r)))!;
  const m = await usage(purlOf.get(ref)!);
  assert.equal(m.length, 1, JSON.stringify(m));
  assert.equal(m[0]!.direct, false);
  const path = m[0]!.path;
  assert.ok(path.length >= 3, JSON.stringify(path));
  assert.equal(path[0], root.purl);
  assert.equal(path[path.length - 1], purlOf.get(ref));
  const refOf = new Map([...purlOf].map(([k, v]) => [v, k]));
  for (let i = 1; i < path.length; i++) {
    assert.ok(childrenOf.get(refOf.get(path[i - 1]!)!)?.has(refOf.get(path[i]!)!), `${path[i - 1]} dependsOn ${path[i]}`);
  }
});

test('without ?artifact, the SPDX described package\'s SHA256 checksum is the subject', async () => {
  const text = file('sbom/spdx-spec/SPDXJSONExample-v2.3.excerpt.spdx.json').toString('utf8').replace('"SPDX-Tools-v2.0"', '"SPDX-Tools-v2.0 (copy)"');
  const res = await up(text, 'application/spdx+json');
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().subject.digest, 'sha256:11b6d3ee554eedf79299905a98f9b9a04e498210b59f15094c916c91d150efcd');
});

test('a streamed document insert that loses a race to the same bytes reports the conflict and keeps the transaction usable', async () => {
  const { SbomRepository } = await import('../../src/graph/sbom.repository.ts');
  const repo = new SbomRepository(t.db);
  const bytes = Buffer.from('{"race": true, "tab": "\t", "nul": "\u0000"}\n'.repeat(5000));
  const digest = `sha256:${'ab'.repeat(32)}`;
  async function* chunks() { for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096); }
  const a = await t.db.pool.connect();
  const b = await t.db.pool.connect();
  try {
    await a.query('BEGIN');
    await b.query('BEGIN');
    const first = await repo.insertDocumentStream(a, digest, 'sbom', 'text/plain; odd\\type', bytes.length, chunks());
    assert.ok(first);
    const second = repo.insertDocumentStream(b, digest, 'sbom', undefined, bytes.length, chunks());
    await a.query('COMMIT');
    assert.equal(await second, undefined);
    // The loser's transaction goes on after the savepoint rollback.
    assert.equal((await b.query('SELECT 1 AS one')).rows[0].one, 1);
    await b.query('ROLLBACK');
    const row = await t.db.pool.query('SELECT content = $2::bytea AS same, media_type, size_bytes FROM document WHERE id = $1', [first, bytes]);
    assert.deepEqual(row.rows[0], { same: true, media_type: 'text/plain; odd\\type', size_bytes: bytes.length });
  } finally {
    a.release();
    b.release();
  }
});
