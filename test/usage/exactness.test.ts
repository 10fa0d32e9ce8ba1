// Where-used exactness against real upstream SBOMs, with hand-written expected answers and
// near-miss decoys. Fixture sources: test/fixtures/usage-corpus/NOTICE.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.ts';
import { ART, ingestCorpus, pair, pairs, set, usageClient, type Match } from './corpus.ts';

const t = await testApp();
const sbomOf = await ingestCorpus(t);
const { ok } = usageClient(t);

const L4J = 'pkg:maven/org.apache.logging.log4j';
const JCORE = 'pkg:maven/com.fasterxml.jackson.core';
const ROOT = {
  laravel: 'pkg:composer/cyclonedx/cyclonedx-php-composer-demo@dev-master',
  dropwizard: 'pkg:maven/io.dropwizard/dropwizard-parent@1.3.15',
  cargo: 'pkg:deb/debian/libselinux1-dev@3.1-3?arch=s390x',
  decoyA: 'pkg:maven/com.example.decoy/decoy-app-a@1.0.0',
};

function only(r: { matches: Match[] }): Match {
  assert.equal(r.matches.length, 1, JSON.stringify(r.matches));
  return r.matches[0]!;
}

// ---------------------------------------------------------------- exact version via purl

test('exact version via purl: one package version, one artifact', async () => {
  const r = await ok({ purl: `${L4J}/log4j-core@2.14.1` });
  assert.deepEqual(pairs(r), [pair(`${L4J}/log4j-core@2.14.1`, ART.decoyA)]);
  assert.deepEqual(r.totals, { components: 1, artifacts: 1, services: 1, matches: 1 });
  const m = only(r);
  assert.equal(m.direct, true);
  assert.equal(m.sbom, sbomOf.get(ART.decoyA));
  assert.deepEqual(m.artifact, { digest: ART.decoyA, name: 'decoy-a' });
  assert.deepEqual(m.services, ['decoy-a']);
  assert.deepEqual(m.deployments, []);
  assert.equal(m.fuzzy, undefined);
});

test('maven exact versions: 2.9.10 and 2.9.10.1 are different versions; stored qualifiers do not hide an exact match', async () => {
  assert.deepEqual(pairs(await ok({ purl: `${JCORE}/jackson-databind@2.9.10` })), [pair(`${JCORE}/jackson-databind@2.9.10?type=jar`, ART.dropwizard)]);
  assert.deepEqual(pairs(await ok({ purl: `${JCORE}/jackson-databind@2.9.10.1` })), [pair(`${JCORE}/jackson-databind@2.9.10.1`, ART.decoyA)]);
  assert.deepEqual(pairs(await ok({ purl: `${JCORE}/jackson-databind@2.9.1` })), []);
  // Composer versions keep their "v" (laravel/framework is "v7.30.6" in the SBOM).
  assert.deepEqual(pairs(await ok({ purl: 'pkg:composer/laravel/framework@v7.30.6' })), [pair('pkg:composer/laravel/framework@v7.30.6', ART.laravel)]);
});

test('an exact version that cannot be ordered (cargo "0.14") still matches by equality, and is not flagged', async () => {
  const m = only(await ok({ purl: 'pkg:cargo/hyper@0.14' }));
  assert.equal(m.component, 'pkg:cargo/hyper@0.14');
  assert.equal(m.artifact?.digest, ART.cargo);
  assert.equal(m.unorderable, undefined);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:cargo/hyper@0.15' })), []);
});

// ---------------------------------------------------------------- any version, decoys

test('any version (no range): every log4j-core, never log4j-api', async () => {
  const r = await ok({ purl: `${L4J}/log4j-core` });
  assert.deepEqual(pairs(r), set(
    pair(`${L4J}/log4j-core@2.14.1`, ART.decoyA),
    pair(`${L4J}/log4j-core@2.15.0`, ART.decoyB),
    pair(`${L4J}/log4j-core@2.15.0-SNAPSHOT`, ART.decoyC),
  ));
  assert.deepEqual(r.totals, { components: 3, artifacts: 3, services: 3, matches: 3 });
  assert.ok(r.matches.every((m) => !m.component.includes('log4j-api')));
  // The SPDX example names "Apache Log4j Core" without a purl: a purl query cannot and must not claim it.
  assert.ok(r.matches.every((m) => m.artifact?.digest !== ART.examplemaven));
  // And the decoy asked for directly:
  assert.deepEqual(pairs(await ok({ purl: `${L4J}/log4j-api` })), set(
    pair(`${L4J}/log4j-api@2.14.1`, ART.decoyA),
    pair(`${L4J}/log4j-api@2.15.0`, ART.decoyB),
    pair(`${L4J}/log4j-api@2.17.1`, ART.decoyC),
  ));
});

test('same artifactId under another groupId (maven namespace) does not match', async () => {
  const r = await ok({ purl: `${JCORE}/jackson-databind` });
  assert.deepEqual(pairs(r), set(
    pair(`${JCORE}/jackson-databind@2.9.10?type=jar`, ART.dropwizard),
    pair(`${JCORE}/jackson-databind@2.9.10.1`, ART.decoyA),
  ));
  assert.deepEqual(pairs(await ok({ purl: 'pkg:maven/io.github.decoy/jackson-databind' })), [pair('pkg:maven/io.github.decoy/jackson-databind@2.9.10', ART.decoyB)]);
  // composer: psr/event-dispatcher and symfony/event-dispatcher share a name (both real, in the laravel SBOM)
  assert.deepEqual(pairs(await ok({ purl: 'pkg:composer/psr/event-dispatcher' })), [pair('pkg:composer/psr/event-dispatcher@1.0.0', ART.laravel)]);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:composer/symfony/event-dispatcher' })), [pair('pkg:composer/symfony/event-dispatcher@v5.4.9', ART.laravel)]);
  // maven is case-sensitive (purl spec: no case folding for maven)
  assert.deepEqual(pairs(await ok({ purl: `${L4J}/LOG4J-CORE` })), []);
});

test('the same name in another ecosystem does not match a purl query', async () => {
  assert.deepEqual(pairs(await ok({ purl: 'pkg:cargo/hyper' })), [pair('pkg:cargo/hyper@0.14', ART.cargo)]);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:pypi/hyper' })), [pair('pkg:pypi/hyper@0.7.0', ART.decoyB)]);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:npm/uuid' })), [pair('pkg:npm/uuid@8.3.2', ART.decoyA)]);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:composer/ramsey/uuid' })), [pair('pkg:composer/ramsey/uuid@4.2.3', ART.laravel)]);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:npm/tokio' })), []);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:golang/rsc.io/quote' })), []); // the go SBOM has no purls
});

// ---------------------------------------------------------------- ranges

test('a range with | giving two intervals; the version between them is a near miss', async () => {
  // [2.0.0, 2.14.2) ∪ [2.15.0, 2.16.0): 2.15.0-SNAPSHOT sorts before 2.15.0, so it is outside both.
  const r = await ok({ purl: `${L4J}/log4j-core`, range: 'vers:maven/>=2.0.0|<2.14.2|>=2.15.0|<2.16.0' });
  assert.deepEqual(pairs(r), set(pair(`${L4J}/log4j-core@2.14.1`, ART.decoyA), pair(`${L4J}/log4j-core@2.15.0`, ART.decoyB)));
  assert.deepEqual(r.totals, { components: 2, artifacts: 2, services: 2, matches: 2 });
  // 2.14.1 just outside on the low side:
  assert.deepEqual(pairs(await ok({ purl: `${L4J}/log4j-core`, range: 'vers:maven/>=2.14.2|<2.15.0' })), [pair(`${L4J}/log4j-core@2.15.0-SNAPSHOT`, ART.decoyC)]);
  // != removes one version from the whole line
  assert.deepEqual(pairs(await ok({ purl: `${L4J}/log4j-core`, range: 'vers:maven/!=2.14.1' })), set(pair(`${L4J}/log4j-core@2.15.0`, ART.decoyB), pair(`${L4J}/log4j-core@2.15.0-SNAPSHOT`, ART.decoyC)));
  // * is every version
  assert.equal((await ok({ purl: `${L4J}/log4j-core`, range: 'vers:maven/*' })).matches.length, 3);
});

test('a version exactly on an exclusive bound is out; on an inclusive bound it is in (maven, SNAPSHOT ordering)', async () => {
  const q = (range: string) => ok({ purl: `${L4J}/log4j-core`, range }).then(pairs);
  const v2141 = pair(`${L4J}/log4j-core@2.14.1`, ART.decoyA);
  const v2150 = pair(`${L4J}/log4j-core@2.15.0`, ART.decoyB);
  const snap = pair(`${L4J}/log4j-core@2.15.0-SNAPSHOT`, ART.decoyC);
  assert.deepEqual(await q('vers:maven/<2.15.0'), set(v2141, snap)); // exclusive upper: 2.15.0 out, its SNAPSHOT in
  assert.deepEqual(await q('vers:maven/<=2.15.0'), set(v2141, v2150, snap)); // inclusive upper
  assert.deepEqual(await q('vers:maven/>=2.15.0'), [v2150]); // inclusive lower: the SNAPSHOT is below
  assert.deepEqual(await q('vers:maven/>2.15.0'), []); // exclusive lower
  assert.deepEqual(await q('vers:maven/>2.15.0-SNAPSHOT'), [v2150]);
  assert.deepEqual(await q('vers:maven/>=2.14.1|<2.14.2'), [v2141]);
  assert.deepEqual(await q('vers:maven/>2.14.1|<2.15.0'), [snap]);
  // maven qualifiers are case-insensitive: -snapshot = -SNAPSHOT
  assert.deepEqual(await q('vers:maven/2.15.0-snapshot'), [snap]);
});

test('maven qualifier-style versions: 2.9.10.1 vs 2.9.10, and .RELEASE equal to the bare release', async () => {
  const db = (range: string) => ok({ purl: `${JCORE}/jackson-databind`, range }).then(pairs);
  const dw = pair(`${JCORE}/jackson-databind@2.9.10?type=jar`, ART.dropwizard);
  const a = pair(`${JCORE}/jackson-databind@2.9.10.1`, ART.decoyA);
  assert.deepEqual(await db('vers:maven/<=2.9.10'), [dw]); // 2.9.10.1 is just above
  assert.deepEqual(await db('vers:maven/<2.9.10'), []);
  assert.deepEqual(await db('vers:maven/>2.9.10|<2.9.11'), [a]);
  assert.deepEqual(await db('vers:maven/>=2.9.10|<2.9.10.1'), [dw]);
  assert.deepEqual(await db('vers:maven/>=2.9.10|<=2.9.10.1'), set(dw, a));

  // Maven ComparableVersion: "release" is an alias of "" so 5.2.0.RELEASE = 5.2.0.
  const sc = (range: string) => ok({ purl: 'pkg:maven/org.springframework/spring-core', range }).then(pairs);
  const r520 = pair('pkg:maven/org.springframework/spring-core@5.2.0.RELEASE', ART.decoyA);
  const r521 = pair('pkg:maven/org.springframework/spring-core@5.2.1.RELEASE', ART.decoyC);
  assert.deepEqual(await sc('vers:maven/5.2.0'), [r520]);
  assert.deepEqual(await sc('vers:maven/<=5.2.0'), [r520]);
  assert.deepEqual(await sc('vers:maven/>5.2.0|<5.2.1'), []);
  assert.deepEqual(await sc('vers:maven/<5.2.1'), [r520]);
  assert.deepEqual(await sc('vers:maven/>=5.2.0|<=5.2.1'), set(r520, r521));
});

test('composer (generic order): a "v" prefix does not move the version; bounds land exactly', async () => {
  const fw = (range: string) => ok({ purl: 'pkg:composer/laravel/framework', range }).then(pairs);
  const hit = [pair('pkg:composer/laravel/framework@v7.30.6', ART.laravel)];
  assert.deepEqual(await fw('vers:composer/<=7.30.6'), hit);
  assert.deepEqual(await fw('vers:composer/<7.30.6'), []);
  assert.deepEqual(await fw('vers:composer/>=7.30.6'), hit);
  assert.deepEqual(await fw('vers:composer/>7.30.6'), []);
  assert.deepEqual(await fw('vers:composer/>=6.0.0|<7.0.0|>=7.30.0|<7.31.0'), hit);
  assert.deepEqual(await fw('vers:composer/>=6.0.0|<7.0.0|>=7.30.7|<7.31.0'), []);
});

test('cargo: strict semver bounds; an unorderable version is listed and flagged, not silently dropped', async () => {
  const tk = (range: string) => ok({ purl: 'pkg:cargo/tokio', range }).then(pairs);
  assert.deepEqual(await tk('vers:cargo/>=1.19.0|<1.19.3'), [pair('pkg:cargo/tokio@1.19.2', ART.cargo)]);
  assert.deepEqual(await tk('vers:cargo/>=1.19.3'), []);
  assert.deepEqual(await tk('vers:cargo/<1.19.2'), []);
  const h = await ok({ purl: 'pkg:cargo/hyper', range: 'vers:cargo/>=0.14.0|<0.15.0' });
  const m = only(h);
  assert.equal(m.component, 'pkg:cargo/hyper@0.14');
  assert.equal(m.unorderable, true);
  assert.deepEqual(h.unorderable, ['pkg:cargo/hyper@0.14']);
});

// ---------------------------------------------------------------- qualifiers and case

test('a purl with qualifiers narrows the match; without them qualifiers are ignored', async () => {
  assert.deepEqual(pairs(await ok({ purl: `${JCORE}/jackson-databind?type=jar` })), [pair(`${JCORE}/jackson-databind@2.9.10?type=jar`, ART.dropwizard)]);
  assert.deepEqual(pairs(await ok({ purl: `${JCORE}/jackson-databind?type=pom` })), []);
  assert.deepEqual(pairs(await ok({ purl: `${JCORE}/jackson-core?type=jar` })), [pair(`${JCORE}/jackson-core@2.9.10?type=jar`, ART.dropwizard)]);
  assert.deepEqual(pairs(await ok({ purl: `${JCORE}/jackson-core` })), set(
    pair(`${JCORE}/jackson-core@2.9.10?type=jar`, ART.dropwizard),
    pair(`${JCORE}/jackson-core@2.9.10`, ART.decoyA),
  ));
  assert.deepEqual(pairs(await ok({ purl: `${JCORE}/jackson-databind@2.9.10?type=jar` })), [pair(`${JCORE}/jackson-databind@2.9.10?type=jar`, ART.dropwizard)]);
  assert.deepEqual(pairs(await ok({ purl: `${JCORE}/jackson-databind?type=jar`, range: 'vers:maven/>2.9.10' })), []);
});

test('wrong-case purl input finds the same as the canonical one (npm, composer: case-insensitive types)', async () => {
  const canonical = await ok({ purl: 'pkg:npm/%40babel/parser' });
  assert.deepEqual(pairs(canonical), [pair('pkg:npm/%40babel/parser@7.21.2#packages/babel-parser', ART.juice)]);
  assert.deepEqual(await ok({ purl: 'pkg:NPM/%40Babel/Parser' }), canonical);
  assert.deepEqual(await ok({ purl: 'pkg:npm/@babel/parser' }), canonical); // unencoded @ in the namespace
  const fw = await ok({ purl: 'pkg:composer/laravel/framework' });
  assert.equal(fw.matches.length, 1);
  assert.deepEqual(await ok({ purl: 'pkg:COMPOSER/Laravel/Framework' }), fw);
  // a subpath in the query does not narrow (the query names a package)
  assert.deepEqual(pairs(await ok({ purl: 'pkg:npm/%40babel/types' })), [pair('pkg:npm/%40babel/types@7.21.2#packages/babel-types', ART.juice)]);
});

// ---------------------------------------------------------------- name search

test('name search is fuzzy across ecosystems and flags every match', async () => {
  const uuid = await ok({ name: 'uuid' });
  assert.deepEqual(pairs(uuid), set(pair('pkg:composer/ramsey/uuid@4.2.3', ART.laravel), pair('pkg:npm/uuid@8.3.2', ART.decoyA)));
  assert.ok(uuid.matches.every((m) => m.fuzzy === true));
  assert.deepEqual(uuid.totals, { components: 2, artifacts: 2, services: 2, matches: 2 });
  assert.deepEqual(pairs(await ok({ name: 'HYPER' })), set(pair('pkg:cargo/hyper@0.14', ART.cargo), pair('pkg:pypi/hyper@0.7.0', ART.decoyB)));
  const jd = await ok({ name: 'jackson-databind' });
  assert.deepEqual(pairs(jd), set(
    pair(`${JCORE}/jackson-databind@2.9.10?type=jar`, ART.dropwizard),
    pair(`${JCORE}/jackson-databind@2.9.10.1`, ART.decoyA),
    pair('pkg:maven/io.github.decoy/jackson-databind@2.9.10', ART.decoyB),
  ));
  // with a range: only that ecosystem's components are compared
  assert.deepEqual(pairs(await ok({ name: 'jackson-databind', range: 'vers:maven/<=2.9.10' })), set(
    pair(`${JCORE}/jackson-databind@2.9.10?type=jar`, ART.dropwizard),
    pair('pkg:maven/io.github.decoy/jackson-databind@2.9.10', ART.decoyB),
  ));
  assert.deepEqual(pairs(await ok({ name: 'hyper', range: 'vers:pypi/>=0.7.0' })), [pair('pkg:pypi/hyper@0.7.0', ART.decoyB)]);
  // a name is a name: no prefix or substring matching
  assert.deepEqual(pairs(await ok({ name: 'jackson' })), []);
  assert.deepEqual(pairs(await ok({ name: 'log4j' })), []);
});

test('components without purls are found by name (SPDX packages, a CycloneDX component without purl)', async () => {
  const junit = await ok({ name: 'junit' });
  assert.deepEqual(pairs(junit), set(pair('JUnit@3.8.1', ART.examplemaven), pair('JUnit@4.13.2', ART.decoyB)));
  assert.ok(junit.matches.every((m) => m.fuzzy === true && m.direct === true));
  const fromSpdx = junit.matches.find((m) => m.artifact?.digest === ART.examplemaven)!;
  assert.deepEqual(fromSpdx.path, ['examplemaven@0.0.1', 'JUnit@3.8.1']);
  assert.deepEqual(fromSpdx.services, ['examplemaven']);
  assert.deepEqual(pairs(await ok({ name: 'Apache Log4j Core' })), [pair('Apache Log4j Core', ART.examplemaven)]);
  assert.deepEqual(pairs(await ok({ name: 'rsc.io/quote' })), [pair('rsc.io/quote', ART.gomods)]);
  assert.deepEqual(pairs(await ok({ name: 'rsc.io/sampler' })), [pair('rsc.io/sampler', ART.gomods)]);
  // a purl-less component with a version is compared by the range's scheme
  assert.deepEqual(pairs(await ok({ name: 'JUnit', range: 'vers:maven/>=4.0.0' })), [pair('JUnit@4.13.2', ART.decoyB)]);
});

// ---------------------------------------------------------------- direct, path

test('direct flags and root-to-component paths follow the SBOM dependency graph', async () => {
  // laravel excerpt: demo → laravel/laravel → laravel/framework → monolog → psr/log (BFS, document order)
  const log = only(await ok({ purl: 'pkg:composer/psr/log' }));
  assert.equal(log.direct, false);
  assert.deepEqual(log.path, [ROOT.laravel, 'pkg:composer/laravel/laravel@v7.12.0', 'pkg:composer/laravel/framework@v7.30.6', 'pkg:composer/monolog/monolog@2.8.0', 'pkg:composer/psr/log@1.1.4']);
  assert.deepEqual(log.services, ['php-portal']);
  assert.deepEqual(log.artifact, { digest: ART.laravel, name: 'laravel-demo' });

  const lexer = only(await ok({ purl: 'pkg:composer/doctrine/lexer' }));
  assert.equal(lexer.direct, false);
  assert.deepEqual(lexer.path, [ROOT.laravel, 'pkg:composer/laravel/laravel@v7.12.0', 'pkg:composer/laravel/framework@v7.30.6', 'pkg:composer/egulias/email-validator@2.1.25', 'pkg:composer/doctrine/lexer@1.2.3']);

  const app = only(await ok({ purl: 'pkg:composer/laravel/laravel' }));
  assert.equal(app.direct, true);
  assert.deepEqual(app.path, [ROOT.laravel, 'pkg:composer/laravel/laravel@v7.12.0']);

  const fw = only(await ok({ purl: 'pkg:composer/laravel/framework' }));
  assert.equal(fw.direct, false);

  // a component no dependency reaches (its parents are outside the excerpt): not direct, no path
  const ed = only(await ok({ purl: 'pkg:composer/symfony/event-dispatcher' }));
  assert.equal(ed.direct, false);
  assert.equal(ed.path, undefined);

  // decoy A: log4j-api is transitive through log4j-core
  const api = only(await ok({ purl: `${L4J}/log4j-api@2.14.1` }));
  assert.equal(api.direct, false);
  assert.deepEqual(api.path, [ROOT.decoyA, `${L4J}/log4j-core@2.14.1`, `${L4J}/log4j-api@2.14.1`]);

  // CycloneDX XML without a dependency graph: top-level components are direct
  const dw = only(await ok({ purl: `${JCORE}/jackson-annotations` }));
  assert.equal(dw.direct, true);
  assert.deepEqual(dw.path, [ROOT.dropwizard, `${JCORE}/jackson-annotations@2.9.10?type=jar`]);

  // SPDX: DEPENDS_ON from the described package
  const tokio = only(await ok({ purl: 'pkg:cargo/tokio' }));
  assert.equal(tokio.direct, true);
  assert.deepEqual(tokio.path, [ROOT.cargo, 'pkg:cargo/tokio@1.19.2']);
});

test('the SBOM\'s own subject is not reported as a dependency of itself', async () => {
  assert.deepEqual(pairs(await ok({ purl: 'pkg:composer/cyclonedx/cyclonedx-php-composer-demo' })), []);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:maven/io.dropwizard/dropwizard-parent' })), []);
});

// ---------------------------------------------------------------- OS packages (hand-written decoy D)

test('OS packages: the same name as apk and as deb; qualifiers and deb/apk ordering', async () => {
  const APK = 'pkg:apk/alpine/openssl@1.1.1k-r0?arch=x86_64';
  const DEB = 'pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u4?arch=amd64';
  const both = await ok({ name: 'openssl' });
  assert.equal(both.matches.length, 2);
  assert.deepEqual(both.matches.map((m) => m.artifact?.digest), [ART.decoyD, ART.decoyD]);
  assert.ok(both.matches.every((m) => m.fuzzy === true));
  assert.deepEqual(both.totals, { components: 2, artifacts: 1, services: 1, matches: 2 });
  const deb = only(await ok({ purl: 'pkg:deb/debian/openssl' }));
  assert.match(deb.component, /^pkg:deb\/debian\/openssl@1\.1\.1n-0(\+|%2B)deb11u4\?arch=amd64$/);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:deb/debian/openssl?arch=amd64' })), [pair(deb.component, ART.decoyD)]);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:deb/debian/openssl?arch=arm64' })), []);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:deb/ubuntu/openssl' })), []); // another distro namespace
  const d = (range: string) => ok({ purl: 'pkg:deb/debian/openssl', range }).then((r) => r.matches.length);
  assert.equal(await d('vers:deb/>=1.1.1n-0+deb11u4'), 1); // inclusive, exactly on the bound
  assert.equal(await d('vers:deb/>1.1.1n-0+deb11u4'), 0); // exclusive
  assert.equal(await d('vers:deb/<1.1.1n-0+deb11u5'), 1);
  assert.equal(await d('vers:deb/<1.1.1n'), 0); // 1.1.1n < 1.1.1n-0+deb11u4 in dpkg order
  const apk = only(await ok({ purl: 'pkg:apk/alpine/openssl' }));
  assert.equal(apk.component, APK);
  assert.equal(apk.direct, true);
  assert.deepEqual(apk.path, ['decoy-image-d@4.0.0', APK]); // a root without purl is labelled name@version
  void DEB;
});

// ---------------------------------------------------------------- regressions (each was a bug found by these tests)

test('exact version in the purl agrees with the equal vers range (composer "v7.30.6" vs "7.30.6", maven "5.2.0.RELEASE" vs "5.2.0")', async () => {
  const viaRange = pairs(await ok({ purl: 'pkg:composer/laravel/framework', range: 'vers:composer/7.30.6' }));
  assert.equal(viaRange.length, 1);
  assert.deepEqual(pairs(await ok({ purl: 'pkg:composer/laravel/framework@7.30.6' })), viaRange);
  const mavenRange = pairs(await ok({ purl: 'pkg:maven/org.springframework/spring-core', range: 'vers:maven/5.2.0' }));
  assert.deepEqual(pairs(await ok({ purl: 'pkg:maven/org.springframework/spring-core@5.2.0' })), mavenRange);
});

test('an SPDX document describing several packages: every described package is searchable', async () => {
  assert.deepEqual(pairs(await ok({ name: 'golang.org/x/text' })), [pair('golang.org/x/text', ART.gomods)]);
});

test('apk packages can be searched with their vers scheme name "alpine"', async () => {
  assert.deepEqual(pairs(await ok({ purl: 'pkg:apk/alpine/openssl', range: 'vers:alpine/>=1.1.1' })), [pair('pkg:apk/alpine/openssl@1.1.1k-r0?arch=x86_64', ART.decoyD)]);
});

test('name search with a range in another spelling of the same scheme does not silently drop matches', async () => {
  assert.deepEqual(pairs(await ok({ name: 'openssl', range: 'vers:alpine/>=1.1.1' })), [pair('pkg:apk/alpine/openssl@1.1.1k-r0?arch=x86_64', ART.decoyD)]);
});
