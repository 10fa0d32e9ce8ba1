import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCanonicalVers, parseVers, versBounds, versContains, type VersRange } from './vers.ts';
import { VersError } from './errors.ts';
import { compareVersions, versionSortKey } from './version-order.ts';
import { compareKeys } from './sort-key-encoding.ts';

const fixture = <T,>(name: string): T => JSON.parse(readFileSync(new URL(`../../test/fixtures/purl-spec/${name}`, import.meta.url), 'utf8')) as T;

function versError(input: string, parse: (s: string) => VersRange = parseVers): VersError {
  let caught: unknown;
  try {
    parse(input);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof VersError, `expected a VersError for ${JSON.stringify(input)}, got ${String(caught)}`);
  assert.equal(caught.code, 'VERS_INVALID');
  return caught;
}

const pairs = (r: VersRange): Array<[string, string]> => r.constraints.map((c) => [c.comparator, c.version]);

describe('parseVers', () => {
  test('spec examples', () => {
    assert.deepEqual(pairs(parseVers('vers:npm/1.2.3')), [['=', '1.2.3']]);
    assert.deepEqual(pairs(parseVers('vers:npm/>=1.0.0|<2.0.0')), [['>=', '1.0.0'], ['<', '2.0.0']]);
    assert.deepEqual(pairs(parseVers('vers:pypi/0.0.0|0.0.1|0.0.2|0.0.3|1.0|2.0pre1')).length, 6);
    assert.deepEqual(pairs(parseVers('vers:gem/>=2.2.0|!= 2.2.1|<2.3.0')), [['>=', '2.2.0'], ['!=', '2.2.1'], ['<', '2.3.0']]);
    const tomee = parseVers('vers:tomee/>=1.0.0-beta1|<=1.7.5|>=7.0.0-M1|<=7.0.7|>=7.1.0|<=7.1.2|>=8.0.0-M1|<=8.0.1');
    assert.equal(tomee.scheme, 'tomee');
    assert.equal(tomee.constraints.length, 8);
    assert.deepEqual(pairs(parseVers('vers:npm/*')), [['*', '*']]);
    assert.equal(parseVers('vers:npm/1.2.3').raw, 'vers:npm/1.2.3');
  });

  test('whitespace and tabs are removed; repeated, leading and trailing pipes are ignored', () => {
    assert.deepEqual(pairs(parseVers(' vers:npm/ >= 1.0.0 |\t< 2.0.0 ')), [['>=', '1.0.0'], ['<', '2.0.0']]);
    assert.deepEqual(pairs(parseVers('vers:npm/|>=1.0.0||<2.0.0|')), [['>=', '1.0.0'], ['<', '2.0.0']]);
  });

  test('versions are percent-decoded once', () => {
    assert.deepEqual(pairs(parseVers('vers:deb/>=1%3A1.0|<1%3A2.0')), [['>=', '1:1.0'], ['<', '1:2.0']]);
    assert.deepEqual(pairs(parseVers('vers:npm/1.0%252F0')), [['=', '1.0%2F0']]);
  });

  test('unsorted constraints are accepted and sorted by the scheme order', () => {
    // The order carries no meaning and containment needs it sorted; rejecting would only
    // lose ranges written by hand or by tools that do not sort.
    assert.deepEqual(pairs(parseVers('vers:npm/<2.0.0|>=1.0.0')), [['>=', '1.0.0'], ['<', '2.0.0']]);
    assert.deepEqual(pairs(parseVers('vers:maven/<1.10|>=1.9|=1.2')), [['=', '1.2'], ['>=', '1.9'], ['<', '1.10']]);
  });

  test('a bound must be a version the scheme can order; an equality may name anything', () => {
    const input = 'vers:npm/>=7.0.0|<=7.x';
    const e = versError(input);
    assert.equal(e.position, input.indexOf('<=7.x'));
    assert.match(e.message, /"7\.x" is not a version the npm scheme can order/);
    assert.equal(versError('vers:pypi/>=1.0|<not.a.version').position, 'vers:pypi/>=1.0|'.length);
    // Equality is decided by the text: npm dist-tags stay expressible.
    assert.deepEqual(pairs(parseVers('vers:npm/1.0.0|latest')), [['=', '1.0.0'], ['=', 'latest']]);
    // Schemes that order every string (and unknown ones, ordered as generic) take any bound.
    assert.equal(parseVers('vers:maven/>=abc|<def').constraints.length, 2);
  });

  test('unknown schemes are allowed', () => {
    assert.equal(parseVers('vers:nginx/>=1.0|<2.0').scheme, 'nginx');
  });

  test('errors carry the position in the input', () => {
    const cases: Array<[string, number]> = [
      ['vers:npm/>=1.0.0|<<2', 18],
      ['npm/1.0.0', 0],
      ['VERS:npm/1.0.0', 0],
      ['', 0],
      ['vers:npm', 8],
      ['vers:/1.0.0', 5],
      ['vers:NPM/1.0.0', 5],
      ['vers:npm/', 9],
      ['vers:npm/|||', 9],
      ['vers:npm/*|1.0.0', 10],
      ['vers:npm/**', 10],
      ['vers:npm/>=', 11],
      ['vers:npm/>=1.0.0|<', 18],
      ['vers:npm/1.0%2', 12],
      ['vers:npm/1.0%2G0', 12],
      ['vers:npm/ >=1.0.0 | <<2', 21],
      ['vers:npm/1.0.0|1.0.0', 15],
      ['vers:maven/1.0|1.0.0', 15],
      ['vers:npm/>=1.0.0|>=2.0.0', 17],
      ['vers:npm/<1.0.0|<=2.0.0', 16],
      ['vers:npm/=1.0.0|<2.0.0', 16],
      ['vers:npm/1.0.0|2.0=0', 18],
    ];
    for (const [input, position] of cases) assert.equal(versError(input).position, position, input);
  });

  test('fuzz: any input gives a VersRange or a VersError with a position inside the input', () => {
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = ['vers:', 'npm', 'maven', 'pypi', 'deb', 'x', '/', '|', '||', '<', '<=', '>', '>=', '=', '!=', '*', ' ', '\t', '1.0.0', '2.0.0', '1.0', '1:2', '%', '%3A', '%zz', 'a'];
    for (let i = 0; i < 3000; i++) {
      const input = Array.from({ length: 1 + Math.floor(next() * 8) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      try {
        const r = parseVers(input);
        for (const v of ['1.0.0', '1.5', 'garbage']) assert.ok(['in', 'out', 'unorderable'].includes(versContains(r, v)));
        versBounds(r);
      } catch (e) {
        assert.ok(e instanceof VersError, `${JSON.stringify(input)} threw ${String(e)}`);
        assert.ok(e.position >= 0 && e.position <= input.length, `${JSON.stringify(input)}: position ${e.position}`);
      }
    }
  });

  test('vers-spec vers_canonical_parse_test vectors: every required parse vector, through parseCanonicalVers', () => {
    type Case = { description: string; test_group: string; test_type: string; input: string; expected_output?: { type: string; constraints: Array<[string, string]> }; expected_failure?: boolean };
    const { tests } = fixture<{ tests: Case[] }>('vers_canonical_parse_test.json');
    let passed = 0;
    for (const t of tests.filter((x) => x.test_type === 'parse')) {
      if (t.expected_output !== undefined) {
        const r = parseCanonicalVers(t.input);
        assert.equal(r.scheme, t.expected_output.type, t.description);
        assert.deepEqual(pairs(r), t.expected_output.constraints, t.description);
      } else {
        let caught: unknown;
        try { parseCanonicalVers(t.input); } catch (e) { caught = e; }
        assert.ok(caught instanceof VersError, `${t.description}: ${t.input} was accepted`);
        assert.ok(caught.position >= 0 && caught.position <= t.input.length);
      }
      passed++;
    }
    assert.equal(passed, 15);
  });

  test('parseCanonicalVers accepts what parseVers produces in canonical order, with positions for the rest', () => {
    assert.deepEqual(pairs(parseCanonicalVers('vers:npm/>=1.0.0|<2.0.0')), [['>=', '1.0.0'], ['<', '2.0.0']]);
    assert.equal(versError('vers:npm/>=1.0.0|<2.0.0|', parseCanonicalVers).position, 23);
    assert.equal(versError('vers:npm/>=2.0.0|<1.0.0', parseCanonicalVers).position, 9);
    assert.equal(versError('vers:npm/ >=1.0.0', parseCanonicalVers).position, 9);
  });
});

describe('versContains', () => {
  const contains = (vers: string, version: string) => versContains(parseVers(vers), version);

  test('vers-spec npm_range_containment_test and pypi_range_containment_test vectors', () => {
    let count = 0;
    for (const file of ['npm_range_containment_test.json', 'pypi_range_containment_test.json']) {
      const { tests } = fixture<{ tests: Array<{ input: { vers: string; version: string }; expected_output: boolean }> }>(file);
      for (const t of tests) {
        assert.equal(contains(t.input.vers, t.input.version), t.expected_output ? 'in' : 'out', `${t.input.vers} ∋ ${t.input.version}`);
        count++;
      }
    }
    assert.equal(count, 11);
  });

  test('disjoint intervals: <0.2.4|>=1.0.0|<1.2.6', () => {
    const r = parseVers('vers:npm/<0.2.4|>=1.0.0|<1.2.6');
    const expected: Record<string, string> = { '0.0.1': 'in', '0.2.3': 'in', '0.2.4-rc.1': 'in', '0.2.4': 'out', '0.5.0': 'out', '1.0.0-rc.1': 'out', '1.0.0': 'in', '1.2.5': 'in', '1.2.6': 'out', '2.0.0': 'out' };
    for (const [v, want] of Object.entries(expected)) assert.equal(versContains(r, v), want, v);
  });

  test('comparators and equality by the scheme', () => {
    assert.equal(contains('vers:npm/>=1.0.0|<2.0.0', '1.5.0'), 'in');
    assert.equal(contains('vers:npm/>1.0.0|<=2.0.0', '1.0.0'), 'out');
    assert.equal(contains('vers:npm/>1.0.0|<=2.0.0', '2.0.0'), 'in');
    assert.equal(contains('vers:npm/>=1.0.0', '99.0.0'), 'in');
    assert.equal(contains('vers:npm/<1.0.0', '1.0.0'), 'out');
    assert.equal(contains('vers:npm/1.0.0|2.0.0', '2.0.0'), 'in');
    assert.equal(contains('vers:npm/1.0.0|2.0.0', '1.5.0'), 'out');
    assert.equal(contains('vers:npm/!=1.0.0', '1.0.0'), 'out');
    assert.equal(contains('vers:npm/!=1.0.0', '2.0.0'), 'in');
    assert.equal(contains('vers:gem/>=2.2.0|!= 2.2.1|<2.3.0', '2.2.1'), 'out');
    assert.equal(contains('vers:gem/>=2.2.0|!= 2.2.1|<2.3.0', '2.2.2'), 'in');
    assert.equal(contains('vers:pypi/>=1.0|<2.0', '1.0.0'), 'in');
    assert.equal(contains('vers:pypi/>=1.0|<2.0', '1.0RC1'), 'out');
    assert.equal(contains('vers:maven/>=1.0|<1.0.1', '1.0.0-SNAPSHOT'), 'out');
    assert.equal(contains('vers:maven/>=1.0|<1.0.1', '1.0.RELEASE'), 'in');
    assert.equal(contains('vers:deb/>=1:1.0|<1:2.0', '1:1.5-1'), 'in');
    assert.equal(contains('vers:deb/>=1:1.0|<1:2.0', '1.5'), 'out');
    assert.equal(contains('vers:golang/>=v1.2.3|<v1.2.4', 'v1.2.4-0.20191109021931-daa7c04131f5'), 'in');
    assert.equal(contains('vers:nginx/>=1.0|<2.0', '1.5'), 'in');
    assert.equal(contains('vers:alpine/>=3.1.0_rc1|<3.1.0-r2', '3.1.0-r1'), 'in');
  });

  test('a hand-built, unsorted VersRange is evaluated as if sorted', () => {
    const r: VersRange = { scheme: 'npm', raw: '', constraints: [{ comparator: '<', version: '1.2.6' }, { comparator: '<', version: '0.2.4' }, { comparator: '>=', version: '1.0.0' }] };
    assert.equal(versContains(r, '0.1.0'), 'in');
    assert.equal(versContains(r, '0.5.0'), 'out');
    assert.equal(versContains(r, '1.1.0'), 'in');
    assert.deepEqual(versBounds(r), { upper: { version: '1.2.6', inclusive: false } });
  });

  test('unorderable versions: equality still decides', () => {
    assert.equal(contains('vers:npm/>=1.0.0|<2.0.0', 'garbage'), 'unorderable');
    assert.equal(contains('vers:npm/1.0.0|latest', 'latest'), 'in');
    assert.equal(contains('vers:npm/1.0.0|latest', 'next'), 'out');
    assert.equal(contains('vers:npm/>=1.0.0|!=latest', 'latest'), 'out');
    assert.equal(contains('vers:npm/>=1.0.0|!=latest', '1.5.0'), 'in');
    assert.equal(contains('vers:npm/>=1.0.0|!=latest', 'canary'), 'unorderable');
    assert.equal(contains('vers:npm/*', 'anything'), 'in');
  });
});

describe('versBounds', () => {
  const bounds = (vers: string) => versBounds(parseVers(vers));

  test('bounds of typical ranges', () => {
    assert.deepEqual(bounds('vers:npm/<0.2.4|>=1.0.0|<1.2.6'), { upper: { version: '1.2.6', inclusive: false } });
    assert.deepEqual(bounds('vers:npm/>=1.0.0|<2.0.0'), { lower: { version: '1.0.0', inclusive: true }, upper: { version: '2.0.0', inclusive: false } });
    assert.deepEqual(bounds('vers:npm/>1.0.0|<=2.0.0'), { lower: { version: '1.0.0', inclusive: false }, upper: { version: '2.0.0', inclusive: true } });
    assert.deepEqual(bounds('vers:npm/1.0.0|2.0.0'), { lower: { version: '1.0.0', inclusive: true }, upper: { version: '2.0.0', inclusive: true } });
    assert.deepEqual(bounds('vers:npm/>=1.0.0'), { lower: { version: '1.0.0', inclusive: true } });
    assert.deepEqual(bounds('vers:npm/<1.0.0|=2.0.0'), { upper: { version: '2.0.0', inclusive: true } });
    assert.deepEqual(bounds('vers:npm/=0.5.0|>=1.0.0|<2.0.0'), { lower: { version: '0.5.0', inclusive: true }, upper: { version: '2.0.0', inclusive: false } });
    assert.deepEqual(bounds('vers:npm/*'), {});
    assert.deepEqual(bounds('vers:npm/!=1.0.0'), {});
    assert.deepEqual(bounds('vers:npm/1.0.0|latest'), {});
  });

  test('every contained version lies within the bounds, by compare and by sort key', () => {
    const ranges = ['vers:npm/<0.2.4|>=1.0.0|<1.2.6', 'vers:npm/>1.0.0|<=2.0.0', 'vers:npm/=0.5.0|>=1.0.0|!=1.1.0|<2.0.0', 'vers:npm/>=2.0.0-rc.1', 'vers:npm/1.0.0|1.2.0'];
    const versions: string[] = [];
    for (const a of [0, 1, 2]) for (const b of [0, 1, 2, 5]) for (const c of [0, 4, 6]) for (const pre of ['', '-rc.1']) versions.push(`${a}.${b}.${c}${pre}`);
    for (const vers of ranges) {
      const range = parseVers(vers);
      const { lower, upper } = versBounds(range);
      for (const v of versions) {
        if (versContains(range, v) !== 'in') continue;
        const key = versionSortKey('npm', v) as string;
        if (lower !== undefined) {
          const c = compareVersions('npm', v, lower.version) as number;
          const k = compareKeys(key, versionSortKey('npm', lower.version) as string);
          assert.ok(lower.inclusive ? c >= 0 && k >= 0 : c > 0 && k > 0, `${vers}: ${v} above lower`);
        }
        if (upper !== undefined) {
          const c = compareVersions('npm', v, upper.version) as number;
          const k = compareKeys(key, versionSortKey('npm', upper.version) as string);
          assert.ok(upper.inclusive ? c <= 0 && k <= 0 : c < 0 && k < 0, `${vers}: ${v} below upper`);
        }
      }
    }
  });
});
