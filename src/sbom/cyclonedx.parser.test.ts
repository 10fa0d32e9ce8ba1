import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseSbom, computeMemberships, SbomError, type Inventory } from './index.ts';
import { fixture, json } from './test-helpers.ts';

const byName = (inv: Inventory, name: string) => inv.components.filter((c) => c.name === name);

describe('CycloneDX JSON: cyclonedx-npm generated SBOM of this repo', () => {
  const inv = parseSbom(fixture('attestant-npm.cdx.json'), 'application/vnd.cyclonedx+json');

  test('header and subject', () => {
    assert.equal(inv.format, 'cyclonedx');
    assert.equal(inv.encoding, 'json');
    assert.equal(inv.specVersion, '1.6');
    assert.match(inv.serialNumber ?? '', /^urn:uuid:/);
    assert.equal(inv.name, 'attestant');
    assert.deepEqual(inv.subject, { ref: 'attestant@0.1.0', name: 'attestant', version: '0.1.0', purl: 'pkg:npm/attestant@0.1.0', digests: [] });
  });

  test('every component, nested ones flattened, refs unique', () => {
    assert.equal(inv.components.length, 483);
    assert.equal(new Set(inv.components.map((c) => c.ref)).size, 483);
    assert.deepEqual(inv.findings, []);
    const fastify = byName(inv, 'fastify');
    assert.equal(fastify.length, 1);
    assert.equal(fastify[0]!.purl, 'pkg:npm/fastify@5.12.8');
    assert.equal(fastify[0]!.type, 'library');
    // scoped package: group + percent-encoded purl kept verbatim
    const npm = inv.components.find((c) => c.ref === 'attestant@0.1.0|@cyclonedx/cyclonedx-npm@6.0.1');
    assert.equal(npm?.group, '@cyclonedx');
    assert.equal(npm?.purl, 'pkg:npm/%40cyclonedx/cyclonedx-npm@6.0.1');
    // the 29 components with nested node_modules produce nesting edges
    const nested = inv.components.filter((c) => c.nestedIn !== undefined);
    assert.ok(nested.length > 0);
    for (const c of nested) assert.ok(inv.edges.some(([a, b]) => a === c.nestedIn && b === c.ref));
  });

  test('dependencies become edges from the subject', () => {
    const fromSubject = inv.edges.filter(([a]) => a === 'attestant@0.1.0');
    assert.equal(fromSubject.length, 31); // 31 entries in package.json dependencies + devDependencies
    assert.ok(inv.edges.some(([a, b]) => a === 'attestant@0.1.0|fastify@5.12.8' && b === 'attestant@0.1.0|find-my-way@9.10.1'));
  });

  test('memberships: fastify direct, find-my-way transitive through fastify', () => {
    const m = new Map(computeMemberships(inv).map((x) => [x.ref, x]));
    assert.deepEqual(m.get('attestant@0.1.0|fastify@5.12.8'), { ref: 'attestant@0.1.0|fastify@5.12.8', direct: true, depth: 1 });
    assert.deepEqual(m.get('attestant@0.1.0|find-my-way@9.10.1'), {
      ref: 'attestant@0.1.0|find-my-way@9.10.1',
      direct: false,
      depth: 2,
      parentRef: 'attestant@0.1.0|fastify@5.12.8',
    });
    assert.equal([...m.values()].filter((x) => x.direct).length, 31);
  });

  test('the XML rendering of the same tree gives the same inventory', () => {
    const xml = parseSbom(fixture('attestant-npm.cdx.xml'), 'application/json');
    assert.equal(xml.encoding, 'xml');
    assert.equal(xml.specVersion, '1.6');
    assert.deepEqual(xml.subject, inv.subject);
    assert.deepEqual(xml.findings, []);
    const strip = (i: Inventory) => i.components.map((c) => ({ ...c })).sort((a, b) => a.ref.localeCompare(b.ref));
    assert.deepEqual(strip(xml), strip(inv));
    assert.deepEqual(new Set(xml.edges.map((e) => e.join('>'))), new Set(inv.edges.map((e) => e.join('>'))));
  });

  test('the 1.4 rendering parses with the same components', () => {
    const old = parseSbom(fixture('attestant-npm-1.4.cdx.json'));
    assert.equal(old.specVersion, '1.4');
    assert.equal(old.components.length, 483);
  });
});

describe('CycloneDX: upstream examples (CycloneDX/specification test resources)', () => {
  test('1.5 dependency graph, no metadata.component', () => {
    const inv = parseSbom(fixture('upstream/cdx-spec-valid-dependency-1.5.json'));
    assert.equal(inv.subject, undefined);
    assert.deepEqual(inv.components.map((c) => c.ref), ['library-a', 'library-b', 'library-c']);
    assert.deepEqual(inv.edges, [['library-b', 'library-c']]);
    // without a subject nothing is reachable
    assert.ok(computeMemberships(inv).every((m) => m.depth === null && !m.direct));
  });

  test('1.3 XML dependencies', () => {
    const inv = parseSbom(fixture('upstream/cdx-spec-valid-dependency-1.3.xml'));
    assert.equal(inv.specVersion, '1.3');
    assert.equal(inv.serialNumber, 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79');
    assert.deepEqual(inv.components.map((c) => [c.ref, c.name]), [
      ['library-a', 'acme-library-a'],
      ['library-b', 'acme-library-b'],
      ['library-c', 'acme-library-b'],
    ]);
    assert.deepEqual(inv.edges, [['library-b', 'library-c']]);
  });

  test('1.2 assembly (nested components without bom-refs), JSON and XML agree', () => {
    for (const f of ['upstream/cdx-spec-valid-assembly-1.2.json', 'upstream/cdx-spec-valid-assembly-1.2.xml']) {
      const inv = parseSbom(fixture(f));
      assert.equal(inv.specVersion, '1.2');
      assert.deepEqual(inv.components.map((c) => c.name), ['acme-library-a', 'acme-library-b']);
      const [a, b] = inv.components;
      assert.equal(b!.nestedIn, a!.ref);
      assert.deepEqual(inv.edges, [[a!.ref, b!.ref]]);
      assert.deepEqual(inv.findings, []);
    }
  });

  test('1.2 hashes are normalised (alg lower-case, sha-256 → sha256)', () => {
    const inv = parseSbom(fixture('upstream/cdx-spec-valid-component-hashes-1.2.json'));
    const algs = inv.components[0]!.hashes.map((h) => h.alg);
    assert.deepEqual(algs, ['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha3-256', 'sha3-384', 'sha3-512', 'blake2b-256', 'blake2b-384', 'blake2b-512', 'blake3']);
    assert.equal(inv.components[0]!.hashes[2]!.value, 'd88bc4e70bfb34d18b5542136639acbb26a8ae2429aa1e47489332fb389cc964');
  });
});

describe('CycloneDX: tolerant parsing of hostile input', () => {
  const base = { bomFormat: 'CycloneDX', specVersion: '1.6', version: 1 };
  const HEX = 'AB'.repeat(32);

  test('subject digests from SHA-256 hashes (JSON), lower-cased', () => {
    const inv = parseSbom(json({
      ...base,
      metadata: { component: { type: 'application', name: 'app', 'bom-ref': 'app', hashes: [{ alg: 'SHA-256', content: HEX }, { alg: 'SHA-1', content: 'ab'.repeat(20) }] } },
    }));
    assert.deepEqual(inv.subject?.digests, [`sha256:${'ab'.repeat(32)}`]);
  });

  test('subject digests from SHA-256 hashes (XML, 1.7 namespace)', () => {
    const xml = `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.7" version="1"><metadata><component type="container" bom-ref="img"><name>img</name><hashes><hash alg="SHA-256">${HEX}</hash></hashes></component></metadata><components><component type="library" bom-ref="x"><name>x</name><purl>pkg:npm/x@1</purl></component></components></bom>`;
    const inv = parseSbom(Buffer.from(xml));
    assert.equal(inv.specVersion, '1.7');
    assert.deepEqual(inv.subject?.digests, [`sha256:${'ab'.repeat(32)}`]);
    assert.deepEqual(computeMemberships(inv), [{ ref: 'x', direct: true, depth: 1 }]);
  });

  test('duplicate bom-refs: both kept, second renamed, finding with pointer', () => {
    const inv = parseSbom(json({
      ...base,
      components: [
        { type: 'library', name: 'a', 'bom-ref': 'dup' },
        { type: 'library', name: 'b', 'bom-ref': 'dup' },
      ],
    }));
    assert.equal(inv.components.length, 2);
    assert.equal(inv.components[0]!.ref, 'dup');
    assert.notEqual(inv.components[1]!.ref, 'dup');
    assert.deepEqual(inv.findings.map((f) => [f.code, f.pointer]), [['DUPLICATE_REF', '/components/1/bom-ref']]);
  });

  test('missing names fall back to the purl name, then the ref; non-string fields ignored with findings', () => {
    const inv = parseSbom(json({
      ...base,
      components: [
        { type: 'library', 'bom-ref': 'r1', purl: 'pkg:npm/%40scope/left-pad@1.0.0' },
        { type: 'library', 'bom-ref': 'r2' },
        { type: 'library', 'bom-ref': 'r3', name: 42, version: { major: 1 }, unknownField: true },
      ],
    }));
    assert.deepEqual(inv.components.map((c) => c.name), ['left-pad', 'r2', 'r3']);
    assert.equal(inv.components[2]!.version, undefined);
    assert.deepEqual(
      inv.findings.map((f) => [f.code, f.pointer]),
      [
        ['MISSING_FIELD', '/components/0'],
        ['MISSING_FIELD', '/components/1'],
        ['INVALID_FIELD', '/components/2/name'],
        ['MISSING_FIELD', '/components/2'],
        ['INVALID_FIELD', '/components/2/version'],
      ],
    );
  });

  test('bad purls are kept verbatim', () => {
    const inv = parseSbom(json({ ...base, components: [{ type: 'library', name: 'x', purl: 'not a purl at all %%%' }] }));
    assert.equal(inv.components[0]!.purl, 'not a purl at all %%%');
  });

  test('dependency cycles and dangling refs', () => {
    const inv = parseSbom(json({
      ...base,
      metadata: { component: { type: 'application', name: 'app', 'bom-ref': 'app' } },
      components: ['a', 'b', 'c'].map((n) => ({ type: 'library', name: n, 'bom-ref': n })),
      dependencies: [
        { ref: 'app', dependsOn: ['a'] },
        { ref: 'a', dependsOn: ['b'] },
        { ref: 'b', dependsOn: ['c', 'ghost'] },
        { ref: 'c', dependsOn: ['a'] },
      ],
    }));
    assert.deepEqual(inv.edges, [['app', 'a'], ['a', 'b'], ['b', 'c'], ['c', 'a']]);
    assert.deepEqual(inv.findings.map((f) => [f.code, f.pointer]), [['DANGLING_REF', '/dependencies/2/dependsOn/1']]);
    assert.deepEqual(computeMemberships(inv), [
      { ref: 'a', direct: true, depth: 1 },
      { ref: 'b', direct: false, depth: 2, parentRef: 'a' },
      { ref: 'c', direct: false, depth: 3, parentRef: 'b' },
    ]);
  });

  test('10,000 levels of nesting: no stack overflow, depth via nesting edges', () => {
    const N = 10_000;
    // Built as text: JSON.stringify itself overflows the stack on 10,000 levels.
    let s = '{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"type":"application","name":"app","bom-ref":"app"}},"components":[';
    for (let i = 0; i < N; i++) s += `{"type":"library","name":"n${i}","bom-ref":"n${i}"${i < N - 1 ? ',"components":[' : ''}`;
    for (let i = 0; i < N - 1; i++) s += '}]';
    s += '}]}';
    const inv = parseSbom(Buffer.from(s));
    assert.equal(inv.components.length, N);
    assert.equal(inv.edges.length, N - 1);
    const m = computeMemberships(inv);
    assert.deepEqual(m[0], { ref: 'n0', direct: true, depth: 1 });
    assert.deepEqual(m[N - 1], { ref: `n${N - 1}`, direct: false, depth: N, parentRef: `n${N - 2}` });
  });

  test('10,000 levels of XML nesting: SBOM_NOT_PARSEABLE, not a crash', () => {
    let s = '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>';
    for (let i = 0; i < 10_000; i++) s += `<component type="library"><name>n${i}</name><components>`;
    for (let i = 0; i < 10_000; i++) s += '</components></component>';
    s += '</components></bom>';
    assert.throws(() => parseSbom(Buffer.from(s)), (e) => e instanceof SbomError && e.code === 'SBOM_NOT_PARSEABLE');
  });

  test('structurally odd values never crash', () => {
    const inv = parseSbom(json({
      ...base,
      metadata: { component: 'nope' },
      components: [null, 5, { type: 'library', name: 'ok', hashes: 'x', components: {} }, { name: 'h', hashes: [{ alg: 'SHA-256', content: 'zz' }, 7] }],
      dependencies: [{ ref: 5, dependsOn: ['x'] }, 'x', { ref: 'ok', dependsOn: 'y' }],
    }));
    assert.deepEqual(inv.components.map((c) => c.name), ['ok', 'h']);
    assert.equal(inv.subject, undefined);
    assert.deepEqual(inv.findings.map((f) => f.code), [
      'INVALID_FIELD', // metadata.component
      'INVALID_FIELD', // null
      'INVALID_FIELD', // 5
      'INVALID_FIELD', // hashes 'x'
      'INVALID_FIELD', // components {}
      'INVALID_FIELD', // hash 7
      'INVALID_HASH', // 'zz'
      'INVALID_FIELD', // ref 5
      'INVALID_FIELD', // 'x'
      'INVALID_FIELD', // dependsOn 'y'
    ]);
  });

  test('metadata.component repeated in components[] stays the subject only', () => {
    const inv = parseSbom(json({
      ...base,
      metadata: { component: { type: 'application', name: 'app', 'bom-ref': 'app' } },
      components: [{ type: 'application', name: 'app', 'bom-ref': 'app' }, { type: 'library', name: 'a', 'bom-ref': 'a' }],
    }));
    assert.deepEqual(inv.components.map((c) => c.ref), ['a']);
    assert.deepEqual(inv.findings.map((f) => f.code), ['SUBJECT_IN_COMPONENTS']);
  });

  test('10,000 flat components parse, with a 9,999-deep dependency chain (time printed, not asserted: see npm run bench)', (t) => {
    const components = Array.from({ length: 10_000 }, (_, i) => ({
      type: 'library',
      name: `pkg-${i}`,
      version: '1.0.0',
      'bom-ref': `pkg-${i}@1.0.0`,
      purl: `pkg:npm/pkg-${i}@1.0.0`,
      hashes: [{ alg: 'SHA-512', content: 'ab'.repeat(64) }],
    }));
    const dependencies = [{ ref: 'app', dependsOn: components.slice(0, 100).map((c) => c['bom-ref']) }, ...components.slice(0, 9_999).map((c, i) => ({ ref: c['bom-ref'], dependsOn: [components[i + 1]!['bom-ref']] }))];
    const bytes = json({ ...base, metadata: { component: { type: 'application', name: 'app', 'bom-ref': 'app' } }, components, dependencies });
    // Time is printed, never asserted: on these shared 2-CPU machines a 100 ms bound failed at
    // 100.3 ms in CI (the ingest bench measures parse speed against a same-run baseline). CPU time,
    // best of 10, since wall-clock time mostly measures the scheduler.
    let ms = Infinity;
    let wall = Infinity;
    let inv = parseSbom(bytes);
    for (let i = 0; i < 10; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      inv = parseSbom(bytes);
      wall = Math.min(wall, performance.now() - t0);
      const c = process.cpuUsage(c0);
      ms = Math.min(ms, (c.user + c.system) / 1000);
    }
    t.diagnostic(`10,000 components (${(bytes.length / 1e6).toFixed(1)} MB): best CPU ${ms.toFixed(1)} ms, best wall ${wall.toFixed(1)} ms`);
    assert.equal(inv.components.length, 10_000);
    assert.equal(inv.edges.length, 100 + 9_999);
    const m = computeMemberships(inv);
    assert.equal(m.filter((x) => x.direct).length, 100);
    assert.equal(m[9_999]!.depth, 9_999 - 99 + 1);
  });
});
