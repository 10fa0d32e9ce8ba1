import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseSbom, computeMemberships } from './index.ts';
import { fixture, json } from './test-helpers.ts';

describe('SPDX JSON: spdx/spdx-examples OSS-NA-2023 03-SBOMwDependency (SPDX 2.3)', () => {
  const inv = parseSbom(fixture('upstream/spdx-examples-03-SBOMwDependency.spdx.json'));

  test('subject is the DESCRIBES target, with its purl', () => {
    assert.equal(inv.format, 'spdx');
    assert.equal(inv.encoding, 'json');
    assert.equal(inv.specVersion, '2.3');
    assert.equal(inv.name, 'SPDX Tools v1.1.5 Java SBOM');
    assert.equal(inv.serialNumber, 'http://spdx.org/spdxdocs/tools-java/v1.1.5-444504E0-4F89-41D3-9A0C-0305E82C3301');
    assert.deepEqual(inv.subject, {
      ref: 'SPDXRef-Package',
      name: 'tools-java',
      version: '1.5.1',
      purl: 'pkg:github/spdx/tools-java@2235d5d7f7fe46ce1e0d54b7831c5681633b25cc',
      digests: [], // SHA1 only
    });
  });

  test('the other package is a component; DYNAMIC_LINK is an edge', () => {
    assert.deepEqual(inv.components, [
      {
        ref: 'SPDXRef-xlsx',
        name: 'xlsx',
        version: '0.16.6',
        purl: 'pkg:maven/org.webjars.npm/xlsx@0.16.6',
        hashes: [{ alg: 'sha1', value: '8f2715fa4ea3619b08615aa8f57828a80e6eb703' }],
      },
    ]);
    assert.deepEqual(inv.edges, [['SPDXRef-Package', 'SPDXRef-xlsx']]);
    assert.deepEqual(inv.findings, []);
    assert.deepEqual(computeMemberships(inv), [{ ref: 'SPDXRef-xlsx', direct: true, depth: 1 }]);
  });
});

describe('SPDX tag-value: spdx/spdx-examples example6 go-lib (SPDX 2.2)', () => {
  const inv = parseSbom(fixture('upstream/spdx-examples-example6-lib.spdx'), 'text/spdx');

  test('document, subject and digests', () => {
    assert.equal(inv.encoding, 'tag-value');
    assert.equal(inv.specVersion, '2.2');
    assert.equal(inv.name, 'go-lib');
    assert.equal(inv.serialNumber, 'https://swinslow.net/spdx-examples/example6/go-lib-v2');
    assert.deepEqual(inv.subject, {
      ref: 'SPDXRef-Package-godist',
      name: 'go-1.15',
      version: '1.15.4',
      digests: ['sha256:0d6e1420facd978e532eae7bd5cb6378b65522c12fa9dcf682129e698c34d1b2'],
    });
  });

  test('packages and CONTAINS edges; the multi-line licence text is skipped', () => {
    assert.deepEqual(inv.components.map((c) => c.ref), ['SPDXRef-Package-go-compiler', 'SPDXRef-Package-go.fmt', 'SPDXRef-Package-go.reflect', 'SPDXRef-Package-go.strconv']);
    assert.deepEqual(inv.components[0]!.hashes, [{ alg: 'sha256', value: '4448b9e62b3c364a073808e22643985d9f49c4ad44aa11d8e4a17c49600a7c3a' }]);
    assert.equal(inv.edges.length, 4);
    assert.ok(inv.edges.every(([a]) => a === 'SPDXRef-Package-godist'));
    assert.deepEqual(inv.findings, []);
    assert.ok(computeMemberships(inv).every((m) => m.direct && m.depth === 1));
  });
});

const doc = (extra: Record<string, unknown>) => ({
  spdxVersion: 'SPDX-2.3',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'synthetic',
  dataLicense: 'CC0-1.0',
  documentNamespace: 'https://example.com/spdx/synthetic',
  creationInfo: { created: '2024-01-01T00:00:00Z', creators: ['Tool: test'] },
  ...extra,
});
const pkg = (id: string, purl?: string) => ({
  SPDXID: `SPDXRef-${id}`,
  name: id,
  downloadLocation: 'NOASSERTION',
  ...(purl ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }] } : {}),
});
const rel = (a: string, type: string, b: string) => ({ spdxElementId: `SPDXRef-${a}`, relationshipType: type, relatedSpdxElement: `SPDXRef-${b}` });

describe('SPDX relationships (2.3 clause 11 table)', () => {
  test('directions: X *_OF Y gives Y → X; DEPENDS_ON/CONTAINS/HAS_PREREQUISITE give X → Y', () => {
    const inv = parseSbom(json(doc({
      packages: ['app', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((x) => pkg(x)),
      relationships: [
        rel('DOCUMENT', 'DESCRIBES', 'app'),
        rel('a', 'DEPENDENCY_OF', 'app'),
        rel('app', 'DEPENDS_ON', 'b'),
        rel('app', 'CONTAINS', 'c'),
        rel('d', 'CONTAINED_BY', 'app'),
        rel('e', 'DEV_DEPENDENCY_OF', 'a'),
        rel('f', 'BUILD_DEPENDENCY_OF', 'a'),
        rel('g', 'RUNTIME_DEPENDENCY_OF', 'b'),
        rel('h', 'OPTIONAL_DEPENDENCY_OF', 'b'),
        rel('i', 'PREREQUISITE_FOR', 'c'),
        rel('c', 'HAS_PREREQUISITE', 'j'),
        rel('j', 'GENERATED_FROM', 'app'), // not membership
      ],
    })));
    assert.deepEqual(inv.edges, [
      ['SPDXRef-app', 'SPDXRef-a'],
      ['SPDXRef-app', 'SPDXRef-b'],
      ['SPDXRef-app', 'SPDXRef-c'],
      ['SPDXRef-app', 'SPDXRef-d'],
      ['SPDXRef-a', 'SPDXRef-e'],
      ['SPDXRef-a', 'SPDXRef-f'],
      ['SPDXRef-b', 'SPDXRef-g'],
      ['SPDXRef-b', 'SPDXRef-h'],
      ['SPDXRef-c', 'SPDXRef-i'],
      ['SPDXRef-c', 'SPDXRef-j'],
    ]);
    const m = new Map(computeMemberships(inv).map((x) => [x.ref, x]));
    assert.equal(m.get('SPDXRef-a')?.direct, true);
    assert.deepEqual(m.get('SPDXRef-e'), { ref: 'SPDXRef-e', direct: false, depth: 2, parentRef: 'SPDXRef-a' });
    assert.deepEqual(m.get('SPDXRef-j'), { ref: 'SPDXRef-j', direct: false, depth: 2, parentRef: 'SPDXRef-c' });
  });

  test('2.2 documentDescribes and DESCRIBED_BY name the subject; PACKAGE_MANAGER (2.2 spelling) purls', () => {
    const a = parseSbom(json(doc({
      spdxVersion: 'SPDX-2.2',
      documentDescribes: ['SPDXRef-app'],
      packages: [
        pkg('x'),
        { ...pkg('app'), externalRefs: [{ referenceCategory: 'PACKAGE_MANAGER', referenceType: 'purl', referenceLocator: 'pkg:npm/app@1' }], checksums: [{ algorithm: 'SHA256', checksumValue: 'AB'.repeat(32) }] },
      ],
    })));
    assert.equal(a.specVersion, '2.2');
    assert.deepEqual(a.subject, { ref: 'SPDXRef-app', name: 'app', purl: 'pkg:npm/app@1', digests: [`sha256:${'ab'.repeat(32)}`] });
    const b = parseSbom(json(doc({ packages: [pkg('app')], relationships: [rel('app', 'DESCRIBED_BY', 'DOCUMENT')] })));
    assert.equal(b.subject?.ref, 'SPDXRef-app');
  });

  test('several described packages: the document is the root and every described package a direct component', () => {
    const inv = parseSbom(json(doc({ packages: [pkg('a'), pkg('b')], relationships: [rel('DOCUMENT', 'DESCRIBES', 'b'), rel('DOCUMENT', 'DESCRIBES', 'a')] })));
    assert.equal(inv.subject?.ref, 'SPDXRef-DOCUMENT');
    assert.deepEqual(inv.components.map((c) => c.ref).sort(), ['SPDXRef-a', 'SPDXRef-b']);
    assert.deepEqual(computeMemberships(inv).map((m) => [m.ref, m.direct]).sort(), [['SPDXRef-a', true], ['SPDXRef-b', true]]);
    assert.deepEqual(inv.findings.map((f) => [f.code, f.pointer]), [['MULTIPLE_DESCRIBED', '/relationships/1']]);
  });

  test('document describing itself, or a file: no subject', () => {
    const inv = parseSbom(json(doc({
      packages: [pkg('a')],
      files: [{ SPDXID: 'SPDXRef-file', fileName: './x', checksums: [] }],
      relationships: [rel('DOCUMENT', 'DESCRIBES', 'DOCUMENT'), rel('DOCUMENT', 'DESCRIBES', 'file'), rel('a', 'CONTAINS', 'file')],
    })));
    assert.equal(inv.subject, undefined);
    assert.deepEqual(inv.components.map((c) => c.ref), ['SPDXRef-a']); // files are not components
    assert.deepEqual(inv.edges, []);
    assert.deepEqual(inv.findings, []); // edges to files are dropped silently
  });

  test('unknown types, dangling refs, duplicate SPDXIDs and bad fields are findings', () => {
    const inv = parseSbom(json(doc({
      packages: [pkg('app'), pkg('a', 'pkg:npm/a@1'), { ...pkg('a'), name: 'a-again' }, { SPDXID: 'SPDXRef-n', versionInfo: 3, externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:pypi/requests@2.0' }] }],
      relationships: [rel('DOCUMENT', 'DESCRIBES', 'app'), rel('app', 'DEPENDS_ON', 'a'), rel('app', 'FRIENDS_WITH', 'a'), rel('app', 'DEPENDS_ON', 'ghost'), rel('app', 'DEPENDS_ON', 'a')],
    })));
    assert.deepEqual(inv.components.map((c) => [c.ref, c.name]), [['SPDXRef-a', 'a'], ['SPDXRef-a#dup', 'a-again'], ['SPDXRef-n', 'requests']]);
    assert.deepEqual(inv.edges, [['SPDXRef-app', 'SPDXRef-a']]);
    assert.deepEqual(inv.findings.map((f) => [f.code, f.pointer]), [
      ['DUPLICATE_REF', '/packages/2/SPDXID'],
      ['MISSING_FIELD', '/packages/3'],
      ['INVALID_FIELD', '/packages/3/versionInfo'],
      ['UNKNOWN_RELATIONSHIP', '/relationships/2'],
      ['DANGLING_REF', '/relationships/3'],
    ]);
  });
});

describe('SPDX tag-value details', () => {
  const tv = [
    'SPDXVersion: SPDX-2.3',
    'DataLicense: CC0-1.0',
    'SPDXID: SPDXRef-DOCUMENT',
    'DocumentName: tv',
    'DocumentNamespace: https://example.com/tv',
    '',
    'PackageName: app',
    'SPDXID: SPDXRef-app',
    'PackageVersion: 2.0.0',
    'PackageComment: <text>a comment that mentions',
    'PackageName: not-a-package',
    'across lines</text>',
    'ExternalRef: PACKAGE-MANAGER purl pkg:npm/app@2.0.0',
    'PackageChecksum: SHA256: ' + 'CD'.repeat(32),
    '',
    'FileName: ./index.js',
    'SPDXID: SPDXRef-file-index',
    'FileChecksum: SHA1: ' + 'ab'.repeat(20),
    '',
    'PackageName: lib',
    'SPDXID: SPDXRef-lib',
    'ExternalRef: SECURITY cpe23Type cpe:2.3:a:x:lib:1:*:*:*:*:*:*:*',
    'ExternalRef: PACKAGE-MANAGER purl pkg:npm/lib@1.0.0',
    '',
    'Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-app',
    'Relationship: SPDXRef-lib DEPENDENCY_OF SPDXRef-app',
    'Relationship: SPDXRef-app CONTAINS SPDXRef-file-index',
    'Relationship: SPDXRef-app DEPENDS_ON NOASSERTION',
    'this line is junk',
  ].join('\r\n');

  test('parses packages, purls, checksums and relationships; <text> spans lines', () => {
    const inv = parseSbom(Buffer.from(tv));
    assert.equal(inv.specVersion, '2.3');
    assert.deepEqual(inv.subject, { ref: 'SPDXRef-app', name: 'app', version: '2.0.0', purl: 'pkg:npm/app@2.0.0', digests: [`sha256:${'cd'.repeat(32)}`] });
    assert.deepEqual(inv.components, [{ ref: 'SPDXRef-lib', name: 'lib', purl: 'pkg:npm/lib@1.0.0', hashes: [] }]);
    assert.deepEqual(inv.edges, [['SPDXRef-app', 'SPDXRef-lib']]);
    assert.deepEqual(inv.findings, [{ code: 'INVALID_LINE', message: 'line is not "Tag: value"; ignored', pointer: 'line:29' }]);
  });
});
