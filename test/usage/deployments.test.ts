// Where-used reports the services an artifact is built for and where it runs now
// (current deployments only; a replaced deployment stays in history but is not reported).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.ts';
import { ART, ingestCorpus, usageClient } from './corpus.ts';

const t = await testApp();
await ingestCorpus(t);
const { get, ok } = usageClient(t);
const L4J = 'pkg:maven/org.apache.logging.log4j';

async function deploy(artifact: string, service: string, environment: string) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/deployments', headers: t.auth(), payload: { artifact, service, environment } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; since: string; replaced: string | null };
}

const aProd = await deploy(ART.decoyA, 'decoy-a', 'prod');
const aStaging = await deploy(ART.decoyA, 'decoy-a', 'staging');
const bProd = await deploy(ART.decoyB, 'decoy-b', 'prod');
const cProd = await deploy(ART.decoyC, 'decoy-b', 'prod'); // replaces decoy B in (decoy-b, prod)

test('the deployment of C replaced B in its slot', () => {
  assert.equal(cProd.replaced, bProd.id);
  assert.equal(aStaging.replaced, null);
});

test('matches carry current deployments and the services each artifact is built for', async () => {
  const r = await ok({ purl: `${L4J}/log4j-core` });
  const by = new Map(r.matches.map((m) => [m.artifact!.digest, m]));
  assert.equal(by.size, 3);
  assert.deepEqual(by.get(ART.decoyA)!.deployments, [
    { service: 'decoy-a', environment: 'prod', since: aProd.since },
    { service: 'decoy-a', environment: 'staging', since: aStaging.since },
  ]);
  assert.deepEqual(by.get(ART.decoyA)!.services, ['decoy-a']);
  assert.deepEqual(by.get(ART.decoyB)!.deployments, []); // replaced: history, not "runs now"
  assert.deepEqual(by.get(ART.decoyB)!.services, ['decoy-b']);
  assert.deepEqual(by.get(ART.decoyC)!.deployments, [{ service: 'decoy-b', environment: 'prod', since: cProd.since }]);
  assert.deepEqual(by.get(ART.decoyC)!.services, ['decoy-b', 'decoy-c']);
  assert.deepEqual(r.totals, { components: 3, artifacts: 3, services: 3, matches: 3 });
  // an artifact with no deployment
  const fw = await ok({ purl: 'pkg:composer/laravel/framework' });
  assert.deepEqual(fw.matches[0]!.deployments, []);
  assert.deepEqual(fw.matches[0]!.services, ['php-portal']);
});

test('CSV lists deployments as service@environment', async () => {
  const res = await get({ purl: `${L4J}/log4j-core@2.14.1` }, { accept: 'text/csv' });
  const row = res.body.trim().split('\n')[1]!;
  // services, deployments, then unorderable and the three VEX columns, empty here.
  assert.ok(row.endsWith(',decoy-a,decoy-a@prod;decoy-a@staging,,,,'), row);
});

test('environment= keeps the artifacts running there now, with totals, paging and CSV to match', async () => {
  const prod = await ok({ purl: `${L4J}/log4j-core`, environment: 'prod' });
  assert.deepEqual(prod.matches.map((m) => m.artifact!.digest).sort(), [ART.decoyA, ART.decoyC].sort(), 'B was replaced in prod: not running there');
  assert.deepEqual(prod.totals, { components: 2, artifacts: 2, services: 3, matches: 2 }, 'A is built for decoy-a, C for decoy-b and decoy-c');
  const staging = await ok({ purl: `${L4J}/log4j-core`, environment: 'staging' });
  assert.deepEqual(staging.matches.map((m) => m.artifact!.digest), [ART.decoyA]);
  // A match still lists every environment its artifact runs in.
  assert.deepEqual(staging.matches[0]!.deployments.map((d) => d.environment), ['prod', 'staging']);
  assert.deepEqual((await ok({ purl: `${L4J}/log4j-core`, environment: 'nowhere' })).totals, { components: 0, artifacts: 0, services: 0, matches: 0 });
  // With a range too: only versions in it, only where they run.
  // (A has 2.14.1, B 2.15.0 and C 2.15.0-SNAPSHOT.)
  const vulnerable = await ok({ purl: `${L4J}/log4j-core`, range: 'vers:maven/>=2.0-beta9|<2.14.2', environment: 'prod' });
  assert.deepEqual(vulnerable.matches.map((m) => [m.component, m.artifact!.digest]), [[`${L4J}/log4j-core@2.14.1`, ART.decoyA]]);
  assert.equal((await ok({ purl: `${L4J}/log4j-core`, range: 'vers:maven/>=2.15.0', environment: 'prod' })).totals.matches, 0, 'B has 2.15.0 but no longer runs in prod');

  const page1 = await ok({ purl: `${L4J}/log4j-core`, environment: 'prod', limit: '1' });
  assert.equal(page1.matches.length, 1);
  assert.ok(page1.nextCursor);
  const page2 = await ok({ purl: `${L4J}/log4j-core`, environment: 'prod', limit: '1', cursor: page1.nextCursor! });
  assert.deepEqual([...page1.matches, ...page2.matches].map((m) => m.artifact!.digest), prod.matches.map((m) => m.artifact!.digest));
  assert.equal(page2.nextCursor, undefined);
  // The cursor belongs to the filtered query.
  const other = await get({ purl: `${L4J}/log4j-core`, environment: 'staging', limit: '1', cursor: page1.nextCursor! });
  assert.equal(other.statusCode, 400);
  assert.equal(other.json().code, 'INVALID_CURSOR');

  const csv = await get({ purl: `${L4J}/log4j-core`, environment: 'prod' }, { accept: 'text/csv' });
  assert.equal(csv.body.trim().split('\n').length, 3, csv.body);
  const bad = await get({ purl: `${L4J}/log4j-core`, environment: 'prod; drop' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().pointer, '/environment');
});

test('deployments of one slot decided out of order still read as one interval after another', async () => {
  const { recordDeployment } = await import('../../src/graph/deployment.repository.ts');
  const { withTransaction } = await import('../../src/platform/database.ts');
  const later = new Date('2026-06-01T12:00:00.500Z');
  const earlier = new Date('2026-06-01T12:00:00.100Z');
  // Two CD runs decided at `earlier` and `later` take the slot's lock in the other order.
  const first = await withTransaction(t.db.pool, (c) => recordDeployment(c, { artifact: ART.decoyA, service: 'race', environment: 'prod', at: later }));
  const second = await withTransaction(t.db.pool, (c) => recordDeployment(c, { artifact: ART.decoyB, service: 'race', environment: 'prod', at: earlier }));
  assert.equal(second.replaced, first.id);
  const { rows } = await t.db.pool.query<{ id: string; since: Date; until: Date | null }>(
    `SELECT d.id, d.since, d.until FROM deployment d JOIN service s ON s.id = d.service_id WHERE s.name = 'race' ORDER BY d.since, d.until NULLS LAST`,
  );
  assert.deepEqual(rows.map((r) => r.id), [first.id, second.id]);
  assert.equal(rows[0]!.until!.toISOString(), later.toISOString(), 'never closed before it began');
  assert.equal(rows[1]!.since.toISOString(), later.toISOString(), 'the replacement begins where the replaced one ends');
  assert.equal(rows[1]!.until, null);
});
