import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { validateSbom, detectSbom } from './index.ts';
import { fixture, json } from './test-helpers.ts';

const CDX_JSON = { format: 'cyclonedx', encoding: 'json' } as const;
const CDX_XML = { format: 'cyclonedx', encoding: 'xml' } as const;
const SPDX_JSON = { format: 'spdx', encoding: 'json' } as const;

describe('validateSbom: CycloneDX (library schemas)', () => {
  test('the generated SBOMs are schema-valid (1.6 JSON + XML, 1.4 JSON)', async () => {
    assert.deepEqual(await validateSbom(CDX_JSON, '1.6', fixture('attestant-npm.cdx.json')), []);
    assert.deepEqual(await validateSbom(CDX_XML, '1.6', fixture('attestant-npm.cdx.xml')), []);
    assert.deepEqual(await validateSbom(CDX_JSON, '1.4', fixture('attestant-npm-1.4.cdx.json')), []);
    assert.deepEqual(await validateSbom(CDX_XML, '1.3', fixture('upstream/cdx-spec-valid-dependency-1.3.xml')), []);
  });

  test('JSON errors become SCHEMA findings with the instance pointer', async () => {
    const doc = JSON.parse(fixture('attestant-npm.cdx.json').toString('utf8'));
    doc.components[3].name = 5;
    const f = await validateSbom(CDX_JSON, '1.6', json(doc));
    assert.ok(f.length >= 1);
    assert.equal(f[0]!.code, 'SCHEMA');
    assert.equal(f[0]!.pointer, '/components/3/name');
  });

  test('XML errors become SCHEMA findings with a line', async () => {
    const xml = fixture('upstream/cdx-spec-valid-dependency-1.3.xml').toString('utf8').replace('<name>acme-library-a</name>', '<nome>acme-library-a</nome>');
    const f = await validateSbom(CDX_XML, '1.3', Buffer.from(xml));
    assert.equal(f.length, 1);
    assert.equal(f[0]!.code, 'SCHEMA');
    assert.equal(f[0]!.pointer, '/bom[1]/components[1]/component[1]/nome[1]');
    assert.match(f[0]!.message, /nome.*\(line 5\)/s);
  });

  test('1.7 is validated; an unknown version is SCHEMA_UNAVAILABLE, not an error', async () => {
    const doc = { bomFormat: 'CycloneDX', specVersion: '1.7', version: 1, components: [{ type: 'library', name: 'x' }] };
    assert.deepEqual(await validateSbom(CDX_JSON, '1.7', json(doc)), []);
    assert.deepEqual((await validateSbom(CDX_JSON, '1.9', json(doc))).map((f) => f.code), ['SCHEMA_UNAVAILABLE']);
  });

  test('XML findings deep in the generated SBOM get an element path', async () => {
    const xml = fixture('attestant-npm.cdx.xml').toString('utf8');
    const i = xml.indexOf('<name>fastify</name>');
    const bad = xml.slice(0, i) + '<nome>fastify</nome>' + xml.slice(i + '<name>fastify</name>'.length);
    const f = await validateSbom(CDX_XML, '1.6', Buffer.from(bad));
    assert.equal(f.length, 1);
    assert.match(f[0]!.pointer ?? '', /^\/bom\[1\]\/components\[1\]\/component\[\d+\]\/nome\[1\]$/);
  });

  test('never throws on garbage', async () => {
    const garbage = Buffer.from([0, 1, 2, 3, 0xff]);
    assert.ok((await validateSbom(CDX_JSON, '1.6', garbage)).length > 0);
    assert.ok((await validateSbom(CDX_XML, '1.6', garbage)).length > 0);
    assert.ok((await validateSbom(SPDX_JSON, '2.3', garbage)).length > 0);
  });
});

describe('validateSbom: SPDX (official JSON schema from spdx/spdx-spec)', () => {
  test('the spdx-examples 2.3 document is valid', async () => {
    const bytes = fixture('upstream/spdx-examples-03-SBOMwDependency.spdx.json');
    assert.deepEqual(await validateSbom(detectSbom(bytes), '2.3', bytes), []);
  });

  test('a package without downloadLocation and an unknown relationship type are reported', async () => {
    const doc = JSON.parse(fixture('upstream/spdx-examples-03-SBOMwDependency.spdx.json').toString('utf8'));
    delete doc.packages[1].downloadLocation;
    doc.relationships[1].relationshipType = 'FRIENDS_WITH';
    const f = await validateSbom(SPDX_JSON, '2.3', json(doc));
    assert.deepEqual(f.map((x) => [x.code, x.pointer]), [
      ['SCHEMA', '/packages/1'],
      ['SCHEMA', '/relationships/1/relationshipType'],
    ]);
  });

  test('tag-value has no schema', async () => {
    const f = await validateSbom({ format: 'spdx', encoding: 'tag-value' }, '2.2', fixture('upstream/spdx-examples-example6-lib.spdx'));
    assert.deepEqual(f.map((x) => x.code), ['SCHEMA_UNAVAILABLE']);
  });
});

describe('validateSbom: SPDX 2.2 schema', () => {
  test('2.2 requires licence and copyright fields that 2.3 made optional', async () => {
    const doc = JSON.parse(fixture('upstream/spdx-examples-03-SBOMwDependency.spdx.json').toString('utf8'));
    doc.spdxVersion = 'SPDX-2.2';
    const f = await validateSbom(SPDX_JSON, '2.2', json(doc));
    assert.ok(f.length > 0);
    assert.ok(f.every((x) => x.code === 'SCHEMA'));
    assert.ok(f.some((x) => x.pointer === '/packages/0' && /licenseConcluded/.test(x.message)));
    assert.deepEqual(await validateSbom(SPDX_JSON, '2.3', json({ ...doc, spdxVersion: 'SPDX-2.3' })), []);
  });
});
