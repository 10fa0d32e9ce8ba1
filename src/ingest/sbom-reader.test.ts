import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpooledBody } from './body-spool.ts';
import { SbomAssembler, assembleInventory } from './sbom-assembly.ts';
import { readSbom } from './sbom-reader.ts';
import { parseSbom, SbomError, validateSbom, detectSbom } from '../sbom/index.ts';
import { fixture, json } from '../sbom/test-helpers.ts';

/** What an assembler ends with: its rows, graph and findings, as plain data. */
function outcome(a: SbomAssembler) {
  const rows = a.takeRows();
  const g = a.finish();
  const key = (r: number) => (r >= 0 ? rows[r]!.key : null);
  const members = [...g.members.row].map((r, i) => ({ key: key(r), direct: g.members.direct[i] === 1, depth: g.members.depth[i], parent: key(g.members.parent[i]!) }));
  const edges = [...g.edges.from].map((f, i) => `${key(f)} -> ${key(g.edges.to[i]!)}`).sort();
  return { rows, root: key(g.rootRow), members: members.sort((x, y) => String(x.key).localeCompare(String(y.key))), edges, findings: a.findings };
}

/** The streamed read, with small read chunks so elements straddle them. */
async function streamed(bytes: Buffer, contentType?: string, flushRows?: number) {
  const a = new SbomAssembler();
  const taken: ReturnType<SbomAssembler['takeRows']> = [];
  const body = SpooledBody.fromBuffer(bytes);
  // Chunks of 7 bytes: every element and key crosses a chunk boundary somewhere.
  const chunked = Object.assign(Object.create(body) as SpooledBody, { chunks: () => body.chunks(7) });
  const read = await readSbom(chunked, a, { contentType, flushRows: flushRows ?? 1, flush: async () => { taken.push(...a.takeRows()); } });
  // Put back what the flushes took, so outcome() sees every row in order.
  const rest = a.takeRows();
  (a as unknown as { takeRows: () => unknown }).takeRows = () => [...taken, ...rest];
  return { read, a };
}

/** The whole-document path: parse to an Inventory, validate the tree, assemble. */
async function whole(bytes: Buffer) {
  const inv = parseSbom(bytes);
  const schema = await validateSbom(detectSbom(bytes), inv.specVersion, bytes);
  return { inv, schema, a: assembleInventory(inv) };
}

const CDX_JSON = ['attestant-npm.cdx.json', 'attestant-npm-1.4.cdx.json', 'upstream/cdx-spec-valid-assembly-1.2.json', 'upstream/cdx-spec-valid-component-hashes-1.2.json', 'upstream/cdx-spec-valid-dependency-1.5.json'];

describe('readSbom: streamed CycloneDX JSON equals the whole-document parse', () => {
  for (const name of CDX_JSON) {
    test(name, async () => {
      const bytes = fixture(name);
      const s = await streamed(bytes);
      const w = await whole(bytes);
      assert.deepEqual(outcome(s.a), outcome(w.a));
      const { components: _c, edges: _e, ...header } = w.inv;
      assert.deepEqual(s.read.header, header);
      assert.deepEqual(s.read.schemaFindings, w.schema);
      assert.deepEqual(s.read.kind, { format: 'cyclonedx', encoding: 'json' });
    });
  }

  test('member order does not matter: dependencies before components, metadata last', async () => {
    const doc = {
      dependencies: [{ ref: 'app', dependsOn: ['a'] }, { ref: 'a', dependsOn: ['b', 'ghost'] }],
      components: [{ type: 'library', 'bom-ref': 'a', name: 'a', purl: 'pkg:npm/a@1.0.0' }, { type: 'library', 'bom-ref': 'b', name: 'b', purl: 'pkg:npm/b@2.0.0', components: [{ type: 'library', name: 'b-inner', purl: 'pkg:npm/b-inner@1' }] }],
      specVersion: '1.6', bomFormat: 'CycloneDX',
      metadata: { component: { type: 'application', 'bom-ref': 'app', name: 'app', version: '1', purl: 'pkg:npm/app@1' } },
    };
    const bytes = json(doc);
    const s = await streamed(bytes);
    const w = await whole(bytes);
    const so = outcome(s.a);
    assert.deepEqual(so, outcome(w.a));
    assert.deepEqual(so.members.map((m) => [m.key, m.depth, m.parent]), [
      ['pkg:npm/a@1.0.0', 1, null],
      ['pkg:npm/b-inner@1', 3, 'pkg:npm/b@2.0.0'],
      ['pkg:npm/b@2.0.0', 2, 'pkg:npm/a@1.0.0'],
    ]);
    assert.deepEqual(s.read.header.findings.map((f) => f.code), ['DANGLING_REF']);
  });

  test('schema findings point into the whole document', async () => {
    const bytes = json({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'library', name: 'ok' }, { type: 'not-a-type', name: 'bad' }], dependencies: [{ dependsOn: [] }] });
    const s = await streamed(bytes);
    assert.deepEqual(s.read.schemaFindings.map((f) => f.pointer), ['/components/1/type', '/dependencies/0']);
    assert.deepEqual(s.read.schemaFindings, (await whole(bytes)).schema);
  });

  test('other top-level arrays (annotations) are still validated, and header findings come first', async () => {
    const bytes = json({
      bomFormat: 'CycloneDX', specVersion: '1.6',
      components: [{ type: 'nope', name: 'a' }],
      annotations: [{ subjects: ['a'], annotator: {}, timestamp: 'not a date', text: 'x' }],
      metadata: { timestamp: 7 },
    });
    const s = await streamed(bytes);
    const pointers = s.read.schemaFindings.map((f) => f.pointer);
    assert.ok(pointers.some((p) => p?.startsWith('/annotations/0')), JSON.stringify(pointers));
    assert.ok(pointers.includes('/metadata/timestamp'), JSON.stringify(pointers));
    assert.equal(pointers.at(-1), '/components/0/type');
    assert.deepEqual(s.read.schemaFindings, (await whole(bytes)).schema);
  });

  test('components and dependencies that are not arrays are reported, not fatal', async () => {
    const s = await streamed(json({ bomFormat: 'CycloneDX', specVersion: '1.6', components: { a: 1 }, dependencies: 'x' }));
    assert.deepEqual(s.read.header.findings.map((f) => [f.code, f.pointer]), [['INVALID_FIELD', '/components'], ['INVALID_FIELD', '/dependencies']]);
  });
});

describe('readSbom: rejections', () => {
  const code = async (bytes: Buffer, contentType?: string) => {
    try {
      await streamed(bytes, contentType);
    } catch (e) {
      assert.ok(e instanceof SbomError, String(e));
      return [e.code, e.pointer];
    }
    return 'accepted';
  };

  test('truncated, invalid UTF-8 and broken JSON are SBOM_NOT_PARSEABLE with a byte offset', async () => {
    const good = fixture('upstream/cdx-spec-valid-dependency-1.5.json');
    assert.deepEqual(await code(good.subarray(0, good.length - 40)), ['SBOM_NOT_PARSEABLE', `offset:${good.length - 40}`]);
    assert.equal((await code(Buffer.concat([Buffer.from('{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')])) as string[])[0], 'SBOM_NOT_PARSEABLE');
    assert.equal((await code(Buffer.from('{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"a"} {"name":"b"}]}')) as string[])[0], 'SBOM_NOT_PARSEABLE');
  });

  test('wrong bomFormat, unknown JSON, unsupported version and a contradicting content type', async () => {
    assert.deepEqual(await code(json({ bomFormat: 'SPDX', specVersion: '1.6' })), ['SBOM_UNKNOWN_FORMAT', '/bomFormat']);
    assert.deepEqual(await code(json({ hello: 'world' })), ['SBOM_UNKNOWN_FORMAT', undefined]);
    assert.deepEqual(await code(json({ bomFormat: 'CycloneDX', specVersion: '0.9' })), ['SBOM_UNSUPPORTED_VERSION', '/specVersion']);
    assert.deepEqual(await code(json({ bomFormat: 'CycloneDX', specVersion: '1.6' }), 'application/spdx+json'), ['SBOM_UNKNOWN_FORMAT', undefined]);
  });

  test('other kinds take the whole-document path and give the same result', async () => {
    for (const name of ['attestant-npm.cdx.xml', 'upstream/spdx-examples-03-SBOMwDependency.spdx.json', 'upstream/spdx-examples-example6-lib.spdx']) {
      const bytes = fixture(name);
      assert.deepEqual(outcome((await streamed(bytes)).a), outcome((await whole(bytes)).a), name);
    }
  });
});
