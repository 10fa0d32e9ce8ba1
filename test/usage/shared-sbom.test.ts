// One SBOM document bound to two artifacts (the same bytes uploaded again for a second image,
// e.g. another architecture, for another service): where-used lists each artifact once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app.ts';
import { ART, dig, fixture, ingestCorpus, pair, pairs, set, usageClient } from './corpus.ts';

const t = await testApp();
const sbomOf = await ingestCorpus(t);
const { ok } = usageClient(t);
const ARM = dig('b5');
const L4J = 'pkg:maven/org.apache.logging.log4j';

const again = await t.app.inject({
  method: 'POST',
  url: `/v1/sboms?artifact=${ARM}&service=decoy-a-arm&name=decoy-a-arm`,
  headers: { ...t.auth(), 'content-type': 'application/vnd.cyclonedx+json' },
  payload: fixture('decoy-a.cdx.json'),
});

test('the same bytes again are a duplicate (200, same SBOM id)', () => {
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(again.json().id, sbomOf.get(ART.decoyA));
});

test('both artifacts are reported, with the same SBOM, and paging walks both', async () => {
  const r = await ok({ purl: `${L4J}/log4j-core@2.14.1` });
  assert.deepEqual(pairs(r), set(pair(`${L4J}/log4j-core@2.14.1`, ART.decoyA), pair(`${L4J}/log4j-core@2.14.1`, ARM)));
  assert.ok(r.matches.every((m) => m.sbom === sbomOf.get(ART.decoyA)));
  assert.deepEqual(r.totals, { components: 1, artifacts: 2, services: 2, matches: 2 });
  const arm = r.matches.find((m) => m.artifact?.digest === ARM)!;
  assert.deepEqual(arm.artifact, { digest: ARM, name: 'decoy-a-arm' });
  assert.deepEqual(arm.services, ['decoy-a-arm']);
  assert.deepEqual(arm.path, ['pkg:maven/com.example.decoy/decoy-app-a@1.0.0', `${L4J}/log4j-core@2.14.1`]);
  const p1 = await ok({ purl: `${L4J}/log4j-core@2.14.1`, limit: 1 });
  const p2 = await ok({ purl: `${L4J}/log4j-core@2.14.1`, limit: 1, cursor: p1.nextCursor! });
  assert.equal(p2.nextCursor, undefined);
  assert.deepEqual([...p1.matches, ...p2.matches], r.matches);
});

test('binding the duplicate to a new artifact and service does not claim the first artifact for that service', async () => {
  const r = await ok({ purl: `${L4J}/log4j-core@2.14.1` });
  const first = r.matches.find((m) => m.artifact?.digest === ART.decoyA)!;
  assert.deepEqual(first.services, ['decoy-a']);
});
