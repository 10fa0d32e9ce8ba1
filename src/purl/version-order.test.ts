import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../test/helpers/seeded-random.ts';
import { readFileSync } from 'node:fs';
import { compareVersions, ecosystemOf, isOrderable, versionSortKey } from './version-order.ts';
import { compareKeys } from './sort-key-encoding.ts';

/** Asserts compare and sort key both give strictly increasing order along `versions`, for every pair. */
function assertAscending(type: string, versions: readonly string[]): void {
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++) {
      const a = versions[i] as string;
      const b = versions[j] as string;
      assert.equal(compareVersions(type, a, b), -1, `${type}: ${a} < ${b}`);
      assert.equal(compareVersions(type, b, a), 1, `${type}: ${b} > ${a}`);
      const ka = versionSortKey(type, a);
      const kb = versionSortKey(type, b);
      assert.ok(ka !== undefined && kb !== undefined, `${type}: keys for ${a}, ${b}`);
      assert.equal(compareKeys(ka, kb), -1, `${type}: key(${a}) < key(${b})`);
    }
  }
}

function assertEqualVersions(type: string, a: string, b: string): void {
  assert.equal(compareVersions(type, a, b), 0, `${type}: ${a} = ${b}`);
  assert.equal(versionSortKey(type, a), versionSortKey(type, b), `${type}: key(${a}) = key(${b})`);
}

function assertUnorderable(type: string, v: string): void {
  assert.equal(isOrderable(type, v), false, `${type}: ${v} is not orderable`);
  assert.equal(compareVersions(type, v, '1.0.0'), undefined);
  assert.equal(versionSortKey(type, v), undefined);
}

describe('ecosystemOf', () => {
  test('maps purl types to versioning schemes', () => {
    assert.equal(ecosystemOf('npm'), 'npm');
    assert.equal(ecosystemOf('NPM'), 'npm');
    assert.equal(ecosystemOf('apk'), 'alpine');
    assert.equal(ecosystemOf('alpine'), 'alpine');
    assert.equal(ecosystemOf('golang'), 'golang');
    assert.equal(ecosystemOf('composer'), 'composer');
    assert.equal(ecosystemOf('some-new-type'), 'some-new-type');
  });
});

describe('npm / cargo / hex (semver)', () => {
  test('semver.org §11 precedence example', () => {
    assertAscending('npm', ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '2.0.0', '2.1.0', '2.1.1', '10.0.0']);
    assertAscending('cargo', ['0.9.99', '1.0.0-alpha', '1.0.0', '1.0.1']);
  });
  test('build metadata is ignored; npm is loose', () => {
    assertEqualVersions('npm', '1.0.0+build.1', '1.0.0+build.2');
    assertEqualVersions('npm', 'v1.2.3', '1.2.3');
    assertEqualVersions('npm', '=1.2.3', '1.2.3');
    assertUnorderable('cargo', '1.2');
    assertUnorderable('npm', '1.2');
    assertUnorderable('npm', 'latest');
  });
});

describe('golang', () => {
  test('pseudo-versions order as prereleases, by time', () => {
    assertAscending('golang', [
      'v0.0.0-20191109021931-daa7c04131f5',
      'v0.0.0-20200101000000-abcdefabcdef',
      'v0.0.0',
      'v1.0.0-rc.1',
      'v1.0.0',
      'v1.2.3',
      'v1.2.4-0.20191109021931-daa7c04131f5',
      'v1.2.4-pre',
      'v1.2.4-pre.0.20200101000000-abcdefabcdef',
      'v1.2.4',
      'v2.0.0',
    ]);
  });
  test('shorthands, +incompatible and the optional v', () => {
    assertEqualVersions('golang', 'v1', 'v1.0.0');
    assertEqualVersions('golang', 'v1.2', 'v1.2.0');
    assertEqualVersions('golang', 'v2.0.0+incompatible', 'v2.0.0');
    assertEqualVersions('golang', '1.2.3', 'v1.2.3');
    assertUnorderable('golang', 'abcdedf');
    assertUnorderable('golang', 'v1.2-pre');
  });
});

describe('nuget', () => {
  test('four parts, case-insensitive prerelease labels', () => {
    assertAscending('nuget', ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-rc.1', '1.0.0', '1.0.0.1', '1.0.1', '6.0.1304']);
    assertEqualVersions('nuget', '1.0', '1.0.0.0');
    assertEqualVersions('nuget', '1.0.0-Beta', '1.0.0-beta');
    assertEqualVersions('nuget', '1.0.0+abc', '1.0.0');
    assertUnorderable('nuget', '1.0.0.0.0');
  });
});

describe('maven (ComparableVersion)', () => {
  // apache/maven ComparableVersionTest VERSIONS_QUALIFIER and VERSIONS_NUMBER
  test('ComparableVersionTest qualifier order', () => {
    assertAscending('maven', ['1-alpha2snapshot', '1-alpha2', '1-alpha-123', '1-beta-2', '1-beta123', '1-m2', '1-m11', '1-rc', '1-cr2', '1-rc123', '1-SNAPSHOT', '1', '1-sp', '1-sp2', '1-sp123', '1-abc', '1-def', '1-pom-1', '1-1-snapshot', '1-1', '1-2', '1-123']);
  });
  test('ComparableVersionTest number order', () => {
    assertAscending('maven', ['2.0', '2.0.a', '2-1', '2.0.2', '2.0.123', '2.1.0', '2.1-a', '2.1b', '2.1-c', '2.1-1', '2.1.0.1', '2.2', '2.123', '11.a2', '11.a11', '11.b2', '11.b11', '11.m2', '11.m11', '11', '11.a', '11b', '11c', '11m']);
  });
  test('ComparableVersionTest equal versions', () => {
    const equal: Array<[string, string]> = [
      ['1', '1.0'], ['1', '1.0.0'], ['1.0', '1.0.0'], ['1', '1-0'], ['1', '1.0-0'], ['1.0', '1.0-0'],
      ['1a', '1-a'], ['1a', '1.0-a'], ['1a', '1.0.0-a'], ['1.0a', '1-a'], ['1.0.0a', '1-a'],
      ['1x', '1-x'], ['1x', '1.0-x'], ['1x', '1.0.0-x'], ['1.0x', '1-x'], ['1.0.0x', '1-x'],
      ['1ga', '1'], ['1release', '1'], ['1final', '1'], ['1cr', '1rc'],
      ['1a1', '1-alpha-1'], ['1b2', '1-beta-2'], ['1m3', '1-milestone-3'],
      ['1X', '1x'], ['1A', '1a'], ['1B', '1b'], ['1M', '1m'], ['1Ga', '1'], ['1GA', '1'], ['1RELEASE', '1'], ['1RELeaSE', '1'], ['1Final', '1'], ['1FINAL', '1'], ['1Cr', '1Rc'], ['1m3', '1MILESTONE3'],
      ['1.0.RELEASE', '1.0'], ['5.3.0.RELEASE', '5.3'],
    ];
    for (const [a, b] of equal) assertEqualVersions('maven', a, b);
  });
  test('Spring-style qualifiers', () => {
    assertAscending('maven', ['5.3.0.M1', '5.3.0.RC1', '5.3.0.RC2', '5.3.0.RELEASE', '5.3.0.SR1', '5.3.1']);
  });
  test('vers-spec maven_version_cmp_test vectors', () => {
    const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/purl-spec/maven_version_cmp_test.subset.json', import.meta.url), 'utf8')) as { tests: Array<{ input: { versions: string[] }; expected_output: string[] }> };
    assert.equal(fixture.tests.length, 22);
    for (const t of fixture.tests) assertAscending('maven', t.expected_output);
  });
});

describe('pypi (PEP 440)', () => {
  test('PEP 440 summary ordering example', () => {
    assertAscending('pypi', ['1.dev0', '1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2', '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5', '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1']);
  });
  test('epochs and release segments', () => {
    assertAscending('pypi', ['0.9', '1.0', '1.0.1', '1.1', '1.10', '2', '1!0.1', '1!1.0']);
  });
  test('normalisation (PEP 440 §Normalization)', () => {
    const equal: Array<[string, string]> = [
      ['1.0RC1', '1.0rc1'], ['1.0c1', '1.0rc1'], ['1.0-alpha1', '1.0a1'], ['1.0.beta.2', '1.0b2'], ['1.0pre1', '1.0rc1'], ['1.0preview1', '1.0rc1'],
      ['1.0a', '1.0a0'], ['1.0-1', '1.0.post1'], ['1.0.rev1', '1.0.post1'], ['1.0-r1', '1.0.post1'], ['1.0.post', '1.0.post0'], ['1.0.dev', '1.0.dev0'],
      ['v1.0', '1.0'], ['1.0', '1.0.0'], ['1.01', '1.1'], ['0!1.0', '1.0'], ['1.0+Ubuntu-1', '1.0+ubuntu.1'], [' 1.0 ', '1.0'],
    ];
    for (const [a, b] of equal) assertEqualVersions('pypi', a, b);
    assertUnorderable('pypi', '1.0.0-foo');
    assertUnorderable('pypi', 'french toast');
  });
});

describe('deb (dpkg)', () => {
  test('Debian policy: ~ before the end, letters before other characters', () => {
    assertAscending('deb', ['1.0~~', '1.0~~a', '1.0~', '1.0~rc1', '1.0', '1.0a', '1.0+', '1.0.1']);
  });
  test('epoch, upstream, revision', () => {
    assertAscending('deb', ['1.0-1', '1.0-2', '1.0-10', '1.0.1-1', '1.2.3-0ubuntu1', '1.2.3-1', '2.3-1', '2.30-1', '1:0.1', '2:0.0.1']);
    assertAscending('deb', ['7.50.3-1', '7.50.3-1+deb9u1', '7.50.3-1+deb9u10', '7.52.1-5']);
    assertEqualVersions('deb', '1.0', '1.00');
    assertEqualVersions('deb', '1.0', '0:1.0');
    assertEqualVersions('deb', '1.0', '1.0-0');
    assertAscending('deb', ['1.0', '1.0.', '1.0.0a']);
    assertUnorderable('deb', 'a:1.0');
    assertUnorderable('deb', '1.0-rev_1');
  });
});

describe('rpm (rpmvercmp)', () => {
  test('rpmvercmp examples', () => {
    assertAscending('rpm', ['1.0~rc1~git123', '1.0~rc1', '1.0~rc1^git1', '1.0~rc2', '1.0', '1.0^', '1.0^git1~pre', '1.0^git1', '1.0^20160101', '1.0.1', '1.01', '1.01a']);
    assertAscending('rpm', ['2a', '2.0', '2.0.1', '2.0.1a', '5.5p1', '5.5p2', '5.5p10', '10xyz', '10.1xyz']);
    assertEqualVersions('rpm', '1.05', '1.5');
    assertEqualVersions('rpm', '1.0', '1_0');
    assertEqualVersions('rpm', '1.0', '1.0.');
  });
  test('epoch and release', () => {
    assertAscending('rpm', ['7.50.3-1.fc25', '7.50.3-2.fc25', '7.50.3-10.fc25', '7.51.0-1.fc25', '1:0.1-1']);
    assertEqualVersions('rpm', '0:1.0-1', '1.0-1');
    assertUnorderable('rpm', '');
    assertUnorderable('rpm', '...');
  });
});

describe('alpine / apk', () => {
  test('vers-spec alpine_version_cmp_test vectors', () => {
    const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/purl-spec/alpine_version_cmp_test.subset.json', import.meta.url), 'utf8')) as { tests: Array<{ test_type: string; input: { versions: [string, string] }; expected_output: string[] | boolean }> };
    assert.equal(fixture.tests.length, 45);
    for (const t of fixture.tests) {
      if (t.test_type === 'equality') assertEqualVersions('apk', ...t.input.versions);
      else assertAscending('apk', t.expected_output as string[]);
    }
  });
  test('suffixes and revisions', () => {
    assertAscending('apk', ['1.0_alpha', '1.0_alpha2', '1.0_beta', '1.0_pre1', '1.0_rc1', '1.0', '1.0-r1', '1.0-r2', '1.0_p1', '1.0_p2', '1.0a', '1.0b', '1.0.1', '1.01', '1.1']);
    assertAscending('alpine', ['3.0.7-r0', '3.0.8-r0', '3.0.10-r0', '3.1.0_rc1-r0', '3.1.0-r0']);
    assertUnorderable('apk', '1.0-1');
    assertUnorderable('apk', '1.0_foo');
  });
});

describe('gem', () => {
  test('RubyGems: a letter makes a prerelease, trailing zeros do not count', () => {
    assertAscending('gem', ['1.0.a', '1.0.a2', '1.0.a10', '1.0.b1', '1.0.0-rc1', '1.0.0.pre', '1.0', '1.0.1', '1.1', '2.0.0.beta2', '2.0.0.rc1', '2.0.0']);
    assertEqualVersions('gem', '1.0', '1');
    assertEqualVersions('gem', '1.0.a', '1.a');
    assertEqualVersions('gem', '1.0.0-rc1', '1.0.0.pre.rc1');
    assertUnorderable('gem', 'a.b');
    assertUnorderable('gem', '1..0');
  });
});

describe('generic fallback (composer, conan, unknown types)', () => {
  test('pre-release words < release < post-release words < next number', () => {
    assertAscending('composer', ['1.0.0-dev', '1.0.0-alpha1', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-RC1', '1.0.0', '1.0.0-patch1', '1.0.0-pl2', '1.0.1', '1.9', '1.10', '2.0.0']);
    assertAscending('some-unknown-type', ['1.0.2', '1.0.2a', '1.0.2b', '1.0.3']);
    assertAscending('conan', ['8', '8u40', '8u151', '9']);
    assertAscending('generic', ['7.0.0-M1', '7.0.0', '7.0.7', '7.1.0']);
  });
  test('equal versions and unorderable input', () => {
    assertEqualVersions('conan', '1.0', '1');
    assertEqualVersions('conan', '1.0.0', '1_0');
    assertEqualVersions('composer', 'v1.2', '1.2');
    assertEqualVersions('generic', '1.0.Final', '1.0');
    assertEqualVersions('generic', '1.0-RC1', '1.0.rc.1');
    assertUnorderable('generic', '');
    assertUnorderable('generic', '...');
  });
});

// ---------------------------------------------------------------------------
// Property tests: on random versions of each scheme, key order = compare order.

type Gen = (r: () => number) => string;
const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const repeat = (r: () => number, max: number, f: () => string, sep: string): string => Array.from({ length: 1 + Math.floor(r() * max) }, f).join(sep);
const num = (r: () => number): string => pick(r, ['0', '1', '2', '10', '00', '01', '9']);
const plainNum = (r: () => number): string => pick(r, ['0', '1', '2', '10', '9']);

const generators: Record<string, Gen> = {
  npm: (r) => `${num(r)}.${num(r)}.${num(r)}${r() < 0.5 ? '-' + repeat(r, 3, () => pick(r, ['alpha', 'beta', 'rc', '0', '1', '2', '11', 'a-b', 'RC']), '.') : ''}${r() < 0.2 ? '+b' + num(r) : ''}`,
  golang: (r) => (r() < 0.3 ? `v${plainNum(r)}.${plainNum(r)}.${plainNum(r)}-0.20${pick(r, ['191109021931', '200101000000', '200101000001'])}-abcdef123456` : `v${plainNum(r)}.${plainNum(r)}.${plainNum(r)}${r() < 0.4 ? '-' + pick(r, ['rc.1', 'pre', 'alpha.2']) : ''}${r() < 0.2 ? '+incompatible' : ''}`),
  nuget: (r) => `${repeat(r, 4, () => num(r), '.')}${r() < 0.5 ? '-' + repeat(r, 2, () => pick(r, ['alpha', 'Beta', 'rc', '1', '2', '10']), '.') : ''}`,
  pypi: (r) =>
    `${r() < 0.1 ? '1!' : ''}${repeat(r, 3, () => num(r), '.')}${r() < 0.4 ? pick(r, ['a', 'b', 'rc', 'c', '.alpha']) + (r() < 0.7 ? num(r) : '') : ''}${r() < 0.3 ? '.post' + num(r) : ''}${r() < 0.3 ? '.dev' + num(r) : ''}${r() < 0.2 ? '+' + repeat(r, 2, () => pick(r, ['abc', '1', '2', 'x9']), '.') : ''}`,
  deb: (r) => `${r() < 0.2 ? num(r) + ':' : ''}${num(r)}${repeat(r, 5, () => pick(r, ['.', '~', '+', 'a', 'b', 'Z', '1', '10', '0', '.0', '~~']), '')}${r() < 0.5 ? '-' + repeat(r, 3, () => pick(r, ['1', '0', '~', 'a', '.', '+', 'deb']), '') : ''}`,
  rpm: (r) => `${r() < 0.2 ? num(r) + ':' : ''}${num(r)}${repeat(r, 5, () => pick(r, ['.', '~', '^', 'a', 'b', 'Z', '1', '10', '0', '_', '.0']), '')}${r() < 0.5 ? '-' + repeat(r, 3, () => pick(r, ['1', '0', '~', 'fc', '.', '^']), '') : ''}`,
  apk: (r) => `${repeat(r, 3, () => pick(r, ['0', '1', '2', '10', '01', '001', '00']), '.')}${r() < 0.2 ? pick(r, ['a', 'b', 'z']) : ''}${r() < 0.5 ? repeat(r, 2, () => '_' + pick(r, ['alpha', 'beta', 'pre', 'rc', 'p', 'git', 'cvs']) + (r() < 0.5 ? num(r) : ''), '') : ''}${r() < 0.4 ? '-r' + num(r) : ''}`,
  gem: (r) => `${num(r)}${repeat(r, 4, () => '.' + pick(r, ['0', '1', '2', '10', 'a', 'b', 'pre', 'rc1', 'beta2']), '')}${r() < 0.2 ? '-' + pick(r, ['rc1', 'pre', '1']) : ''}`,
  generic: (r) => repeat(r, 5, () => pick(r, ['0', '1', '2', '10', 'a', 'beta', 'rc', 'Z', 'patch', 'final', '00', '1a', '2b1', 'u']), pick(r, ['.', '-', '_', ''])),
  // Maven shapes on which ComparableVersion is a total order: a version starting with a
  // non-zero number, qualifiers after "-" or glued to a number, and ".RELEASE"-like
  // aliases only at the end. (With ".RC1" in the middle Maven itself is not transitive:
  // 1.0.RC1 < 1.0 < 1.0-1 < 1.0.RC1.)
  maven: (r) =>
    `${pick(r, ['1', '2', '10'])}${r() < 0.7 ? repeat(r, 2, () => '.' + num(r), '') : ''}${r() < 0.6 ? pick(r, ['-', '']) + pick(r, ['alpha', 'beta', 'a', 'b', 'm', 'rc', 'cr', 'SNAPSHOT', 'sp', 'xyz', 'M', 'RC', 'ga', 'Final']) + (r() < 0.6 ? num(r) : '') : ''}${r() < 0.3 ? '-' + pick(r, ['1', '2', 'SNAPSHOT', 'jre', '20200101']) : ''}${r() < 0.1 ? pick(r, ['.RELEASE', '.Final', '.GA']) : ''}`,
};

describe('versionSortKey agrees with compareVersions (property)', () => {
  for (const [type, gen] of Object.entries(generators)) {
    test(type, () => {
      const r = rng(0x5eed + type.length);
      const versions = Array.from({ length: 250 }, () => gen(r));
      let checked = 0;
      for (const a of versions) {
        const ka = versionSortKey(type, a);
        assert.ok(ka !== undefined, `${type}: ${a} has a key`);
        assert.ok(!ka.includes('\u0000'), 'no NUL in keys');
        assert.equal(Buffer.from(ka, 'utf8').toString('utf8'), ka, 'keys are valid UTF-8');
        for (const b of versions) {
          const c = compareVersions(type, a, b);
          const kb = versionSortKey(type, b) as string;
          assert.ok(c !== undefined, `${type}: ${a} vs ${b} comparable`);
          assert.equal(Math.sign(compareKeys(ka, kb)), c, `${type}: compare(${a}, ${b}) = ${c} but keys ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`);
          checked++;
        }
      }
      assert.equal(checked, 250 * 250);
    });
  }
});

describe('arbitrary input', () => {
  test('compare and sortKey never throw; keys exist for orderable versions and hold no NUL', () => {
    const r = rng(99);
    const alphabet = ['0', '1', '9', '.', '-', '_', '~', '^', '+', ':', 'a', 'Z', 'rc', 'v', ' ', '\u0000', 'é', '😃', '%', '!', '*', 'r', 'p', 'alpha', 'SNAPSHOT', 'dev'];
    const types = ['npm', 'cargo', 'hex', 'golang', 'nuget', 'maven', 'pypi', 'deb', 'rpm', 'apk', 'alpine', 'gem', 'composer', 'conan', 'generic', 'unknown-type'];
    for (let i = 0; i < 2000; i++) {
      const v = Array.from({ length: Math.floor(r() * 8) }, () => pick(r, alphabet)).join('');
      for (const type of types) {
        const orderable = isOrderable(type, v);
        const key = versionSortKey(type, v);
        assert.equal(key !== undefined, orderable, `${type}: key for ${JSON.stringify(v)} iff orderable`);
        if (key !== undefined) assert.ok(!key.includes('\u0000'), `${type}: NUL in key of ${JSON.stringify(v)}`);
        const c = compareVersions(type, v, '1.0.0');
        assert.ok(c === undefined || c === -1 || c === 0 || c === 1);
      }
    }
  });
});
