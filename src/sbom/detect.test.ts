import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { detectSbom, parseSbom, SbomError } from './index.ts';
import { fixture, json } from './test-helpers.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SbomError, `expected SbomError, got ${String(e)}`);
    return e.code;
  }
  assert.fail('did not throw');
}

describe('detectSbom', () => {
  test('real fixtures are detected by content alone', () => {
    assert.deepEqual(detectSbom(fixture('attestant-npm.cdx.json')), { format: 'cyclonedx', encoding: 'json' });
    assert.deepEqual(detectSbom(fixture('attestant-npm.cdx.xml')), { format: 'cyclonedx', encoding: 'xml' });
    assert.deepEqual(detectSbom(fixture('upstream/spdx-examples-03-SBOMwDependency.spdx.json')), { format: 'spdx', encoding: 'json' });
    assert.deepEqual(detectSbom(fixture('upstream/spdx-examples-example6-lib.spdx')), { format: 'spdx', encoding: 'tag-value' });
  });

  test('generic or wrong generic content-types lose to the content', () => {
    assert.deepEqual(detectSbom(fixture('attestant-npm.cdx.xml'), 'application/json'), { format: 'cyclonedx', encoding: 'xml' });
    assert.deepEqual(detectSbom(fixture('attestant-npm.cdx.json'), 'text/plain; charset=utf-8'), { format: 'cyclonedx', encoding: 'json' });
    assert.deepEqual(detectSbom(fixture('upstream/spdx-examples-example6-lib.spdx'), 'application/octet-stream'), { format: 'spdx', encoding: 'tag-value' });
  });

  test('matching vendor content-types are accepted, with parameters', () => {
    assert.deepEqual(detectSbom(fixture('attestant-npm.cdx.json'), 'application/vnd.cyclonedx+json; version=1.6'), { format: 'cyclonedx', encoding: 'json' });
    assert.deepEqual(detectSbom(fixture('attestant-npm.cdx.xml'), 'Application/VND.CycloneDX+XML'), { format: 'cyclonedx', encoding: 'xml' });
    assert.deepEqual(detectSbom(fixture('upstream/spdx-examples-03-SBOMwDependency.spdx.json'), 'application/spdx+json'), { format: 'spdx', encoding: 'json' });
  });

  test('a vendor content-type contradicted by the content is rejected', () => {
    assert.equal(code(() => detectSbom(fixture('attestant-npm.cdx.json'), 'application/vnd.cyclonedx+xml')), 'SBOM_UNKNOWN_FORMAT');
    assert.equal(code(() => detectSbom(fixture('attestant-npm.cdx.json'), 'application/spdx+json')), 'SBOM_UNKNOWN_FORMAT');
  });

  test('truncated JSON is not parseable, with the position', () => {
    const bytes = fixture('attestant-npm.cdx.json').subarray(0, 5000);
    try {
      detectSbom(bytes);
      assert.fail('did not throw');
    } catch (e) {
      assert.ok(e instanceof SbomError);
      assert.equal(e.code, 'SBOM_NOT_PARSEABLE');
      assert.match(e.pointer ?? '', /^offset:\d+$/);
      assert.match(e.message, /position \d+/);
    }
  });

  test('hostile and non-SBOM inputs map to the right codes', () => {
    assert.equal(code(() => detectSbom(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x13, 0x37]))), 'SBOM_NOT_PARSEABLE');
    assert.equal(code(() => detectSbom(Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x81]))), 'SBOM_NOT_PARSEABLE');
    assert.equal(code(() => detectSbom(Buffer.from(''))), 'SBOM_NOT_PARSEABLE');
    assert.equal(code(() => detectSbom(Buffer.from('hello world'))), 'SBOM_NOT_PARSEABLE');
    assert.equal(code(() => detectSbom(Buffer.from('<bom><components></bom>'))), 'SBOM_NOT_PARSEABLE');
    assert.equal(code(() => detectSbom(json({ bomFormat: 'SPDX', specVersion: '1.6' }))), 'SBOM_UNKNOWN_FORMAT');
    assert.equal(code(() => detectSbom(json({ hello: 'world', components: [] }))), 'SBOM_UNKNOWN_FORMAT');
    assert.equal(code(() => detectSbom(json([1, 2, 3]))), 'SBOM_UNKNOWN_FORMAT');
    assert.equal(code(() => detectSbom(Buffer.from('<?xml version="1.0"?><project><modelVersion>4.0.0</modelVersion></project>'))), 'SBOM_UNKNOWN_FORMAT');
    assert.equal(code(() => detectSbom(Buffer.from('<bom xmlns="http://example.com/not-cyclonedx"/>'))), 'SBOM_UNKNOWN_FORMAT');
    assert.equal(code(() => detectSbom(Buffer.from('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'))), 'SBOM_UNKNOWN_FORMAT');
  });

  test('wrong bomFormat carries a pointer', () => {
    try {
      detectSbom(json({ bomFormat: 'CycloneDx', specVersion: '1.6' }));
      assert.fail('did not throw');
    } catch (e) {
      assert.ok(e instanceof SbomError);
      assert.equal(e.code, 'SBOM_UNKNOWN_FORMAT');
      assert.equal(e.pointer, '/bomFormat');
    }
  });

  test('unsupported versions are recognised but rejected by the parser', () => {
    assert.equal(code(() => parseSbom(json({ bomFormat: 'CycloneDX', specVersion: '1.1' }))), 'SBOM_UNSUPPORTED_VERSION');
    assert.equal(code(() => parseSbom(json({ bomFormat: 'CycloneDX', specVersion: 2 }))), 'SBOM_UNSUPPORTED_VERSION');
    assert.equal(code(() => parseSbom(Buffer.from('<bom xmlns="http://cyclonedx.org/schema/bom/1.1"/>'))), 'SBOM_UNSUPPORTED_VERSION');
    assert.equal(code(() => parseSbom(json({ spdxVersion: 'SPDX-2.1', SPDXID: 'SPDXRef-DOCUMENT' }))), 'SBOM_UNSUPPORTED_VERSION');
    assert.equal(code(() => parseSbom(json({ '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': [] }))), 'SBOM_UNSUPPORTED_VERSION');
    assert.equal(code(() => parseSbom(Buffer.from('SPDXVersion: SPDX-3.0\nDataLicense: CC0-1.0\n'))), 'SBOM_UNSUPPORTED_VERSION');
  });
});
