import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AttestError, classifyPredicate, parseStatement, toPredicateFacts, toSbomPredicate, toVexFacts } from './index.ts';

const FIX = fileURLToPath(new URL('../../test/fixtures/attest/', import.meta.url));

const isCode = (code: string, pointer?: string) => (e: unknown) =>
  e instanceof AttestError && e.code === code && (pointer === undefined || e.pointer === pointer);

describe('OpenVEX', () => {
  test('spec example (v0.2.0)', () => {
    const st = parseStatement(readFileSync(FIX + 'openvex-v0.2.0.statement.json'));
    assert.equal(classifyPredicate(st.predicateType), 'openvex');
    const v = toVexFacts(st.predicate);
    assert.equal(v.documentId, 'https://openvex.dev/docs/example/vex-9fb3463de1b57');
    assert.equal(v.author, 'Wolfi J Inkinson');
    assert.equal(v.statements.length, 2);
    const [fixed, na] = v.statements;
    assert.deepEqual(fixed?.products, [
      { ids: ['pkg:apk/distro/git@2.39.0-r1?arch=armv7'], hashes: {}, subcomponents: [] },
      { ids: ['pkg:apk/distro/git@2.39.0-r1?arch=x86_64'], hashes: {}, subcomponents: [] },
    ]);
    assert.equal(fixed?.status, 'fixed');
    // Inherited from the document (OpenVEX §Inheritance).
    assert.deepEqual(fixed?.timestamp, new Date('2023-01-08T18:02:03.647787998-06:00'));
    assert.equal(na?.status, 'not_affected');
    assert.equal(na?.justification, 'vulnerable_code_not_in_execute_path');
    assert.deepEqual(na?.aliases, ['GHSA-xxxx-yyyy-zzzz']);
    assert.deepEqual(na?.products, [{
      ids: ['pkg:oci/example@sha256%3Ae3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      hashes: {},
      subcomponents: [{ ids: ['pkg:golang/github.com/example/lib@v1.2.3'], hashes: {} }],
    }]);
    assert.deepEqual(na?.subcomponents, []);
    assert.deepEqual(na?.timestamp, new Date('2023-02-01T00:00:00Z'));
  });

  test('v0.0.x string forms', () => {
    const v = toVexFacts({ statements: [{ vulnerability: 'CVE-1', products: ['pkg:npm/a@1'], subcomponents: ['pkg:npm/b@2'], status: 'affected', action_statement: 'upgrade' }] });
    assert.deepEqual(v.statements[0], {
      vulnerability: 'CVE-1', aliases: [], products: [{ ids: ['pkg:npm/a@1'], hashes: {}, subcomponents: [] }],
      subcomponents: [{ ids: ['pkg:npm/b@2'], hashes: {} }], status: 'affected', actionStatement: 'upgrade',
    });
  });

  test('the spec\'s product struct: every identifier and the hashes are kept (values that are not strings are skipped)', () => {
    const v = toVexFacts({ timestamp: '2023-01-09T09:08:42-06:00', statements: [{
      vulnerability: { name: 'CVE-2019-17571' }, status: 'affected', action_statement: 'upgrade',
      products: [{
        '@id': 'pkg:apk/wolfi/product@1.23.0-r1?arch=armv7',
        identifiers: { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.4', cpe23: 'cpe:2.3:a:apache:log4j:2.4:-:*:*:*:*:*:*', swid: 42 },
        hashes: { 'SHA-256': '402FA523B96591D4450ACE90E32D9F779FCFD938903E1C5BF9D3701860B8F856', 'sha-512': null },
      }],
    }] });
    assert.deepEqual(v.statements[0]?.products, [{
      ids: ['pkg:apk/wolfi/product@1.23.0-r1?arch=armv7', 'pkg:maven/org.apache.logging.log4j/log4j-core@2.4', 'cpe:2.3:a:apache:log4j:2.4:-:*:*:*:*:*:*'],
      hashes: { 'sha-256': '402fa523b96591d4450ace90e32d9f779fcfd938903e1c5bf9d3701860b8f856' },
      subcomponents: [],
    }]);
    assert.throws(() => toVexFacts({ statements: [{ vulnerability: 'CVE-1', status: 'fixed', products: 'pkg:npm/a@1' }] }), isCode('PREDICATE_INVALID', '/predicate/statements/0/products'));
  });

  test('unknown status → PREDICATE_INVALID with pointer', () => {
    assert.throws(() => toVexFacts({ statements: [{ vulnerability: 'CVE-1', status: 'maybe' }] }), isCode('PREDICATE_INVALID', '/predicate/statements/0/status'));
    assert.throws(() => toVexFacts({}), isCode('PREDICATE_INVALID', '/predicate/statements'));
  });
});

describe('SBOM predicates', () => {
  test('CycloneDX predicate is the BOM itself', () => {
    const bom = { bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [{ type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' }] };
    const s = toSbomPredicate('cyclonedx', bom);
    assert.equal(s.format, 'cyclonedx');
    assert.equal(s.document, bom);
  });

  test('cosign Data wrapper (object or JSON string) is unwrapped', () => {
    const spdx = { spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT', name: 'example', packages: [] };
    assert.equal(toSbomPredicate('spdx', { Data: spdx, Timestamp: '2023-01-01T00:00:00Z' }).document, spdx);
    assert.deepEqual(toSbomPredicate('spdx', { Data: JSON.stringify(spdx) }).document, spdx);
  });

  test('wrong document for the kind → PREDICATE_INVALID', () => {
    assert.throws(() => toSbomPredicate('cyclonedx', { spdxVersion: 'SPDX-2.3' }), isCode('PREDICATE_INVALID', '/predicate/bomFormat'));
    assert.throws(() => toSbomPredicate('spdx', { Data: 'not json' }), isCode('PREDICATE_INVALID', '/predicate/Data'));
  });
});

describe('toPredicateFacts dispatches on the predicate kind', () => {
  const table: Array<[string, string]> = [
    ['gha_generic-v2.1.0.statement.json', 'slsa-provenance-v0.2'],
    ['gha_container-based-v2.1.0.statement.json', 'slsa-provenance-v1'],
    ['gha-workflow-v1.statement.json', 'slsa-provenance-v1'],
    ['vsa-v1.statement.json', 'slsa-vsa-v1'],
    ['openvex-v0.2.0.statement.json', 'openvex'],
  ];
  for (const [file, kind] of table) {
    test(file, () => assert.equal(toPredicateFacts(parseStatement(readFileSync(FIX + file))).kind, kind));
  }
  test('unknown predicate type → other', () => {
    const f = toPredicateFacts({ statementType: 'https://in-toto.io/Statement/v1', subjects: [], predicateType: 'https://example.com/p/v1', predicate: {} });
    assert.deepEqual(f, { kind: 'other', predicateType: 'https://example.com/p/v1' });
  });
});
