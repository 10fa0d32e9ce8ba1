import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../test/helpers/seeded-random.ts';
import { JsonSegmentError, JsonSegmentScanner, scanJsonSegments, type JsonSegment, type JsonSegmentScannerOptions } from './json-segments.ts';

const SPLIT = new Set(['components', 'dependencies', 'packages']);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function chunkBySize(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function chunkRandomly(bytes: Buffer, seed: number, max: number): Buffer[] {
  const next = rng(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; ) {
    const size = 1 + Math.floor(next() * max);
    out.push(bytes.subarray(i, i + size));
    i += size;
  }
  return out;
}

const CHUNKINGS: Array<[string, (b: Buffer) => Buffer[]]> = [
  ['whole', (b) => [b]],
  ['1 byte', (b) => chunkBySize(b, 1)],
  ['2 bytes', (b) => chunkBySize(b, 2)],
  ['3 bytes', (b) => chunkBySize(b, 3)],
  ['7 bytes', (b) => chunkBySize(b, 7)],
  ['64 bytes', (b) => chunkBySize(b, 64)],
  ['random 1..16 (seed 1)', (b) => chunkRandomly(b, 1, 16)],
  ['random 1..300 (seed 42)', (b) => chunkRandomly(b, 42, 300)],
];

function collect(chunks: Buffer[], splitKeys: ReadonlySet<string> = SPLIT, options?: JsonSegmentScannerOptions): JsonSegment[] {
  const segments: JsonSegment[] = [];
  const scanner = new JsonSegmentScanner(splitKeys, (s) => segments.push(s), options);
  for (const c of chunks) scanner.write(c);
  scanner.end();
  return segments;
}

/** Rebuilds the document the way a consumer would (defineProperty, because keys may be `__proto__`). */
function reassemble(segments: JsonSegment[]): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => Object.defineProperty(doc, key, { value, writable: true, enumerable: true, configurable: true });
  for (const s of segments) {
    if (s.kind === 'member') {
      put(s.key, s.value);
    } else if (s.kind === 'element') {
      if (s.index === 0) put(s.key, []);
      const arr = doc[s.key] as unknown[];
      assert.equal(s.index, arr.length, 'elements arrive in order');
      arr.push(s.value);
    } else {
      if (s.length === 0) put(s.key, []);
      assert.equal((doc[s.key] as unknown[]).length, s.length);
    }
  }
  return doc;
}

function reasonAndOffset(fn: () => unknown): { reason: string; offset: number } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof JsonSegmentError, `expected JsonSegmentError, got ${String(e)}`);
    return { reason: e.reason, offset: e.offset };
  }
  assert.fail('did not throw');
}

function deepArrays(depth: number, inner = '0'): string {
  return '['.repeat(depth) + inner + ']'.repeat(depth);
}

// Documents without duplicate keys, so JSON.parse of the whole is the reference.
const DOCUMENTS: Array<[string, string]> = [
  ['empty object', '{}'],
  ['empty split array', '{"components":[]}'],
  ['whitespace everywhere', ' \t\r\n{ \t\r\n"components" \n:\r\n[ \t1 ,\n2\t,\r\n"x" ] \n, "a"\t:\tnull\n}\r\n\t '],
  [
    'cyclonedx-like, compact',
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      version: 1,
      metadata: { component: { name: 'app', version: '1.0.0', 'bom-ref': 'app' }, tools: [{ name: 'cdx' }] },
      components: [
        { type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' },
        { type: 'library', name: 'caf\u00e9', description: '\u65e5\u672c\u8a9e \ud83c\udf89 \u00e9\u00e8', hashes: [] },
        { name: 'quotes "in" it', path: 'C:\\dir\\', tricky: '\\"', brackets: '[{]}],:', nested: { components: [1, [2, [3]]] } },
        { name: 'n', numbers: [0, -0, 1e10, -0.5e-3, 1.5e308, 123456789012345, 2e-308], flags: [true, false, null] },
        { name: 'deep', deep: JSON.parse(deepArrays(60)) },
      ],
      dependencies: [{ ref: 'app', dependsOn: ['left-pad'] }, { ref: 'left-pad', dependsOn: [] }],
    }),
  ],
  ['pretty-printed', ''], // filled in below from the compact one
  [
    'escapes in keys and values',
    '{"\\u0063omponents":[{"k\\u00e9y":"v\\u00e9"},"\\ud83c\\udf89","\\\\","\\"","a\\\\\\"b",""],' +
      '"\\"quoted key\\"":"\\/\\b\\f\\n\\r\\t","back\\\\slash":1,"":"empty key","\u00e9\u65e5":"raw \ud83d\ude00"}',
  ],
  ['split key that is not an array', '{"components":{"a":[1,2]},"packages":"none","dependencies":null}'],
  ['scalars and strings as elements', '{"components":[1,-2.5E+3,true,false,null,"s",[],{},[[]],{"a":{}}]}'],
  ['deeply nested element', `{"components":[${deepArrays(500)},{"a":${deepArrays(200, '{"b":[]}')}}]}`],
  ['__proto__ key', '{"__proto__":{"polluted":true},"components":[{"__proto__":1}]}'],
  ['split key inside a member is not split', '{"metadata":{"components":[1,2,3]},"x":[{"components":[4]}]}'],
  ['values ending at chunk-sensitive places', '{"a":1,"b":"\\\\","c":"\\\\\\\\","d":"x\\"","e":12345678901234567890,"components":["\\\\",0]}'],
];
DOCUMENTS[4]![1] = JSON.stringify(JSON.parse(DOCUMENTS[3]![1]), null, 2);

describe('JsonSegmentScanner', () => {
  test('splits the arrays under splitKeys and emits other members whole', () => {
    const doc = '{"bomFormat":"CycloneDX","components":[{"name":"a"},{"name":"b"}],"metadata":{"x":[1]},"dependencies":[]}';
    assert.deepEqual(collect([Buffer.from(doc)]), [
      { kind: 'member', key: 'bomFormat', value: 'CycloneDX' },
      { kind: 'element', key: 'components', index: 0, value: { name: 'a' } },
      { kind: 'element', key: 'components', index: 1, value: { name: 'b' } },
      { kind: 'array-end', key: 'components', length: 2 },
      { kind: 'member', key: 'metadata', value: { x: [1] } },
      { kind: 'array-end', key: 'dependencies', length: 0 },
    ]);
  });

  test('keys are decoded like JSON.parse does, so an escaped split key still splits', () => {
    assert.deepEqual(collect([Buffer.from('{"\\u0063omponents":[7]}')]), [
      { kind: 'element', key: 'components', index: 0, value: 7 },
      { kind: 'array-end', key: 'components', length: 1 },
    ]);
  });

  test('skipElements delimits split arrays without decoding them: members and array-end only', () => {
    const doc = Buffer.from('{"a":1,"components":[{"x":"]}\\\\"},[1,{"y":[2]}]],"b":{"c":[3]},"dependencies":[]}');
    for (const size of [1, 3, 7, doc.length]) {
      const out: JsonSegment[] = [];
      const scanner = new JsonSegmentScanner(new Set(['components', 'dependencies']), (s) => out.push(s), { skipElements: true });
      for (let i = 0; i < doc.length; i += size) scanner.write(doc.subarray(i, i + size));
      scanner.end();
      assert.deepEqual(out, [
        { kind: 'member', key: 'a', value: 1 },
        { kind: 'array-end', key: 'components', length: 2 },
        { kind: 'member', key: 'b', value: { c: [3] } },
        { kind: 'array-end', key: 'dependencies', length: 0 },
      ], `chunk size ${size}`);
    }
    // Structure is still checked around skipped elements.
    assert.throws(() => scanJsonSegments(Buffer.from('{"components":[{} {}]}'), new Set(['components']), () => {}, { skipElements: true }), JsonSegmentError);
  });

  test('a split key whose value is not an array is an ordinary member', () => {
    assert.deepEqual(collect([Buffer.from('{"components":{"a":1},"packages":null}')]), [
      { kind: 'member', key: 'components', value: { a: 1 } },
      { kind: 'member', key: 'packages', value: null },
    ]);
  });

  test('duplicate top-level keys are all emitted, in order; a repeated split array restarts its index', () => {
    assert.deepEqual(collect([Buffer.from('{"a":1,"components":[1],"a":2,"components":[2,3]}')]), [
      { kind: 'member', key: 'a', value: 1 },
      { kind: 'element', key: 'components', index: 0, value: 1 },
      { kind: 'array-end', key: 'components', length: 1 },
      { kind: 'member', key: 'a', value: 2 },
      { kind: 'element', key: 'components', index: 0, value: 2 },
      { kind: 'element', key: 'components', index: 1, value: 3 },
      { kind: 'array-end', key: 'components', length: 2 },
    ]);
  });

  test('elements are emitted as soon as their bytes are complete', () => {
    const seen: JsonSegment[] = [];
    const scanner = new JsonSegmentScanner(SPLIT, (s) => seen.push(s));
    scanner.write(Buffer.from('{"components":[{"n":1},{"n":'));
    assert.deepEqual(seen, [{ kind: 'element', key: 'components', index: 0, value: { n: 1 } }]);
    scanner.write(Buffer.from('2}'));
    assert.equal(seen.length, 2);
    scanner.write(Buffer.from(']}'));
    scanner.end();
    assert.equal(seen.length, 3);
  });

  test('a leading UTF-8 BOM is skipped, also when split across chunks', () => {
    const doc = Buffer.concat([BOM, Buffer.from('{"components":[1]}')]);
    for (const [name, chunk] of CHUNKINGS) {
      assert.deepEqual(reassemble(collect(chunk(doc))), { components: [1] }, name);
    }
    // Only at the very start, and only whole.
    assert.equal(reasonAndOffset(() => collect([Buffer.from(' '), BOM, Buffer.from('{}')])).reason, 'not-object');
    assert.deepEqual(reasonAndOffset(() => collect([Buffer.from([0xef, 0xbb, 0x7b, 0x7d])])), { reason: 'not-object', offset: 2 });
  });

  test('chunks may be plain Uint8Arrays, and the caller may reuse its buffer after write()', () => {
    const doc = Buffer.from('{"components":[{"name":"caf\u00e9 \ud83c\udf89","v":"' + 'x'.repeat(100) + '"}],"m":"' + 'y'.repeat(50) + '"}');
    const reused = new Uint8Array(16);
    const segments: JsonSegment[] = [];
    const scanner = new JsonSegmentScanner(SPLIT, (s) => segments.push(s));
    for (let i = 0; i < doc.length; i += reused.length) {
      const n = doc.copy(reused, 0, i, i + reused.length);
      scanner.write(reused.subarray(0, n));
      reused.fill(0x5d); // clobber what the scanner was given
    }
    scanner.end();
    assert.deepEqual(reassemble(segments), JSON.parse(doc.toString()));
  });

  describe('reassembled segments equal JSON.parse of the whole document, for every chunking', () => {
    for (const [docName, text] of DOCUMENTS) {
      test(docName, () => {
        const expected = JSON.parse(text);
        for (const bytes of [Buffer.from(text), Buffer.concat([BOM, Buffer.from(text)])]) {
          for (const [chunkName, chunk] of CHUNKINGS) {
            assert.deepStrictEqual(reassemble(collect(chunk(bytes))), expected, `${chunkName}, ${bytes.length} bytes`);
          }
        }
      });
    }
  });

  describe('malformed documents throw JsonSegmentError with a byte offset, whatever the chunking', () => {
    const cases: Array<[string, string | Buffer, string, number]> = [
      ['missing colon', '{"a" 1}', 'syntax', 5],
      ['colon replaced by comma', '{"a",1}', 'syntax', 4],
      ['missing comma between members', '{"a":1 "b":2}', 'syntax', 7],
      ['missing comma after a string member', '{"a":"x""b":2}', 'syntax', 8],
      ['missing comma between split elements', '{"components":[1 2]}', 'syntax', 17],
      ['missing comma between object elements', '{"components":[{}{}]}', 'syntax', 17],
      ['missing comma inside a member value', '{"a":[1 2]}', 'syntax', 5],
      ['missing comma inside an element', '{"components":[0,{"a":1 "b":2}]}', 'syntax', 17],
      ['trailing comma after members', '{"a":1,}', 'syntax', 7],
      ['trailing comma after elements', '{"components":[1,]}', 'syntax', 17],
      ['trailing comma inside a value', '{"a":[1,]}', 'syntax', 5],
      ['leading comma', '{,"a":1}', 'syntax', 1],
      ['missing value', '{"a":}', 'syntax', 5],
      ['missing element', '{"components":[,1]}', 'syntax', 15],
      ['key is not a string', '{a:1}', 'syntax', 1],
      ['invalid escape in key', '{"\\x":1}', 'syntax', 1],
      ['raw control character in a string', '{"a":"x\ny"}', 'syntax', 5],
      ['bad literal', '{"a":nul}', 'syntax', 5],
      ['bad number', '{"components":[01]}', 'syntax', 15],
      ['mismatched brackets inside a value', '{"a":[1}}', 'syntax', 5],
      ['garbage after the closing brace', '{"a":1} x', 'syntax', 8],
      ['second document', '{}{}', 'syntax', 2],
      ['extra closing brace', '{"a":1}}', 'syntax', 7],
      ['closing bracket for the object', '{"a":1]', 'syntax', 6],
      ['invalid UTF-8 in a value', Buffer.from([...Buffer.from('{"a":"'), 0xff, ...Buffer.from('"}')]), 'encoding', 5],
      ['truncated UTF-8 sequence in a key', Buffer.from([...Buffer.from('{"'), 0xe6, 0x97, ...Buffer.from('":1}')]), 'encoding', 1],
      ['non-ASCII byte between members', Buffer.from([...Buffer.from('{"a":1,'), 0xc3, 0xa9, ...Buffer.from('"b":2}')]), 'syntax', 7],
      ['array at the top level', '[1,2]', 'not-object', 0],
      ['string at the top level', ' "x"', 'not-object', 1],
      ['number at the top level', '1', 'not-object', 0],
      ['text', 'hello', 'not-object', 0],
      ['NUL bytes', Buffer.from([0, 0, 0]), 'not-object', 0],
      ['unterminated string', '{"a":"abc}', 'truncated', 10],
      ['unterminated key', '{"abc', 'truncated', 5],
      ['unclosed split array', '{"components":[1', 'truncated', 16],
      ['empty document', '', 'truncated', 0],
      ['only whitespace', ' \n', 'truncated', 2],
      ['only a BOM', BOM, 'truncated', 3],
    ];
    for (const [name, input, reason, offset] of cases) {
      test(name, () => {
        const bytes = typeof input === 'string' ? Buffer.from(input) : input;
        for (const [chunkName, chunk] of CHUNKINGS) {
          assert.deepEqual(reasonAndOffset(() => collect(chunk(bytes))), { reason, offset }, chunkName);
        }
      });
    }
  });

  test('JSON.parse failures keep the parser message and the cause', () => {
    try {
      scanJsonSegments(Buffer.from('{"components":[1,{"a":tru}]}'), SPLIT, () => {});
      assert.fail('did not throw');
    } catch (e) {
      assert.ok(e instanceof JsonSegmentError);
      assert.equal(e.reason, 'syntax');
      assert.equal(e.offset, 17);
      assert.match(e.message, /element 1 of "components"/);
      assert.match(e.message, /byte 17/);
      assert.ok(e.cause instanceof SyntaxError);
    }
  });

  test('structural errors say what was expected', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"components":[1,]}', /trailing comma in "components" \(byte 17\)/],
      ['{"a":1,}', /trailing comma in the top-level object/],
      ['{"a" 1}', /expected ':' after key "a"/],
      ['{"components":[1 2]}', /expected ',' or '\]' after element 0 of "components"/],
    ];
    for (const [doc, re] of cases) assert.throws(() => scanJsonSegments(Buffer.from(doc), SPLIT, () => {}), re, doc);
  });

  test('every proper prefix of a document is truncated, and emits a prefix of the full segments', () => {
    const text = DOCUMENTS[5]![1] + ' '; // escapes, multi-byte characters; trailing space makes the last cut complete
    const full = Buffer.concat([BOM, Buffer.from(text)]);
    const closing = full.lastIndexOf(0x7d);
    const all = collect([full]);
    for (let len = 0; len <= closing; len++) {
      for (const chunks of [[full.subarray(0, len)], chunkBySize(full.subarray(0, len), 3)]) {
        const seen: JsonSegment[] = [];
        const scanner = new JsonSegmentScanner(SPLIT, (s) => seen.push(s));
        for (const c of chunks) scanner.write(c);
        assert.equal(reasonAndOffset(() => scanner.end()).reason, 'truncated', `prefix of ${len} bytes`);
        assert.deepEqual(seen, all.slice(0, seen.length), `prefix of ${len} bytes`);
      }
    }
    for (let len = closing + 1; len <= full.length; len++) assert.deepEqual(collect([full.subarray(0, len)]), all);
  });

  test('nesting deeper than maxDepth is rejected before JSON.parse sees it', () => {
    const ok = `{"a":${deepArrays(5)},"components":[${deepArrays(5)}]}`;
    assert.equal(collect([Buffer.from(ok)], SPLIT, { maxDepth: 5 }).length, 3);
    // The offset is the bracket that crosses the limit.
    assert.deepEqual(reasonAndOffset(() => collect([Buffer.from(`{"a":${deepArrays(6)}}`)], SPLIT, { maxDepth: 5 })), { reason: 'too-deep', offset: 10 });
    assert.deepEqual(
      reasonAndOffset(() => collect(chunkBySize(Buffer.from(`{"components":[1,{"x":${deepArrays(5)}}]}`), 2), SPLIT, { maxDepth: 5 })),
      { reason: 'too-deep', offset: 26 },
    );
    // Brackets inside strings do not count.
    assert.equal(collect([Buffer.from(`{"a":["${'['.repeat(20)}"]}`)], SPLIT, { maxDepth: 2 }).length, 1);
    // Default limit: 10,000.
    assert.equal(collect([Buffer.from(`{"a":${deepArrays(10_000)}}`)]).length, 1);
    assert.equal(reasonAndOffset(() => collect([Buffer.from(`{"a":${deepArrays(10_001)}}`)])).reason, 'too-deep');
    assert.throws(() => new JsonSegmentScanner(SPLIT, () => {}, { maxDepth: 0 }), RangeError);
  });

  test('once failed, the scanner rethrows the same error; errors from onSegment propagate', () => {
    const scanner = new JsonSegmentScanner(SPLIT, () => {});
    assert.throws(() => scanner.write(Buffer.from('{"a" 1')), JsonSegmentError);
    let first: unknown;
    try {
      scanner.write(Buffer.from('}'));
    } catch (e) {
      first = e;
    }
    assert.ok(first instanceof JsonSegmentError && first.reason === 'syntax');
    assert.throws(() => scanner.end(), (e) => e === first);

    const boom = new Error('consumer failed');
    const failing = new JsonSegmentScanner(SPLIT, () => {
      throw boom;
    });
    assert.throws(() => failing.write(Buffer.from('{"components":[1,2')), (e) => e === boom);
    assert.throws(() => failing.write(Buffer.from(']}')), (e) => e === boom);

    const done = new JsonSegmentScanner(SPLIT, () => {});
    done.write(Buffer.from('{}'));
    done.end();
    assert.throws(() => done.write(Buffer.from(' ')), /write after end/);
  });

  test('a ~5 MB generated SBOM scans to the same content as JSON.parse', () => {
    const next = rng(7);
    const components: Array<Record<string, unknown> & { 'bom-ref': string }> = [];
    for (let i = 0; i < 6400; i++) {
      components.push({
        type: 'library',
        'bom-ref': `pkg:npm/%40scope/pkg-${i}@1.${i % 97}.${i % 13}`,
        name: `pkg-${i}`,
        version: `1.${i % 97}.${i % 13}`,
        description: i % 5 === 0 ? `caf\u00e9 \u65e5\u672c \ud83d\udce6 "quoted" \\path\\ ${'lorem ipsum '.repeat(10)}` : 'plain',
        hashes: [{ alg: 'SHA-256', content: Math.floor(next() * 2 ** 52).toString(16).padStart(64, '0') }],
        licenses: [{ license: { id: 'MIT' } }],
        properties: Array.from({ length: 3 }, (_, k) => ({ name: `p${k}`, value: String(next()) })),
        score: next() * 1e-5,
      });
    }
    const dependencies = components.map((c, i) => ({ ref: c['bom-ref'], dependsOn: i > 0 ? [components[i - 1]!['bom-ref']] : [] }));
    const text = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', metadata: { tools: [] }, components, dependencies }, null, 1);
    const bytes = Buffer.from(text);
    assert.ok(bytes.length > 4_500_000 && bytes.length < 7_000_000, `generated ${bytes.length} bytes`);
    const expected = JSON.parse(text);
    assert.deepStrictEqual(reassemble(collect(chunkBySize(bytes, 64 * 1024))), expected);
    assert.deepStrictEqual(reassemble(collect(chunkRandomly(bytes, 3, 5000))), expected);
  });
});
