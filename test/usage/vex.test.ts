// Where-used with ?vulnerability=: the VEX status of each match comes from OpenVEX attestations
// signed with a configured key and verified at ingest, bound to the match's artifact. A real npm
// SBOM (cyclonedx-npm) bound to two artifacts; VEX about one of them only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testApp } from '../helpers/app.ts';
import { dsse, statement, writeTrust } from '../helpers/sign.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

const trustFile = join(scratchDir('attestant-vex-'), 'trust.yaml');
writeTrust(trustFile, ['release-p256']);
const t = await testApp({ trustConfig: trustFile });

const A = `sha256:${'a1'.repeat(32)}`;
const B = `sha256:${'b2'.repeat(32)}`;
const SEMVER = 'pkg:npm/semver@7.8.6';
const CVE = 'CVE-2099-1234';
const OPENVEX = 'https://openvex.dev/ns/v0.2.0';

const sbom = readFileSync(new URL('../fixtures/sbom/attestant-npm.cdx.json', import.meta.url));
// The same bytes twice: one SBOM record (201, then 200), bound to both artifacts.
for (const [artifact, status] of [[A, 201], [B, 200]] as const) {
  const res = await t.app.inject({ method: 'POST', url: `/v1/sboms?artifact=${artifact}`, headers: { ...t.auth(), 'content-type': 'application/json' }, payload: sbom });
  assert.equal(res.statusCode, status, res.body);
}

async function uploadVex(predicate: unknown, keyFile = 'managed-p256.key', subject = A) {
  return t.app.inject({
    method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' },
    payload: JSON.stringify(dsse(statement({ name: 'app.tar', digest: subject }, OPENVEX, predicate), keyFile)),
  });
}

const vexDoc = (timestamp: string, statements: unknown[]) => ({ '@context': OPENVEX, '@id': `https://example.com/vex/${timestamp}`, author: 'Release team', timestamp, version: 1, statements });

async function usage(query: Record<string, string>) {
  const res = await t.app.inject({ method: 'GET', url: `/v1/components/usage?${new URLSearchParams(query)}`, headers: t.auth() });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { matches: Array<{ component: string; artifact: { digest: string } | null; vex?: Record<string, string> }> };
}
const byArtifact = (r: Awaited<ReturnType<typeof usage>>) => new Map(r.matches.map((m) => [m.artifact?.digest, m]));

test('a verified not_affected statement about one artifact annotates that artifact\'s match only', async () => {
  const res = await uploadVex(vexDoc('2026-10-01T00:00:00Z', [{
    vulnerability: { name: CVE, aliases: ['GHSA-abcd-efgh-ijkl'] },
    products: [{ '@id': `pkg:oci/app@sha256%3A${A.slice(7)}`, subcomponents: [{ '@id': 'pkg:npm/semver' }] }],
    status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path',
  }]));
  assert.equal(res.statusCode, 201, res.body);
  const attestation = (res.json() as { id: string }).id;

  const r = byArtifact(await usage({ purl: 'pkg:npm/semver', vulnerability: CVE.toLowerCase() }));
  assert.deepEqual(r.get(A)?.vex, {
    vulnerability: CVE, status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path',
    timestamp: '2026-10-01T00:00:00.000Z', attestation, signer: 'release-p256',
  });
  assert.equal(r.get(B)?.vex, undefined, 'B is not the subject of any VEX');
  assert.equal(r.get(A)?.component, SEMVER);
  // By alias too; another vulnerability, or no vulnerability= at all, annotates nothing.
  assert.equal(byArtifact(await usage({ purl: 'pkg:npm/semver', vulnerability: 'GHSA-abcd-efgh-ijkl' })).get(A)?.vex?.status, 'not_affected');
  assert.equal(byArtifact(await usage({ purl: 'pkg:npm/semver', vulnerability: 'CVE-2099-9999' })).get(A)?.vex, undefined);
  assert.equal(byArtifact(await usage({ purl: 'pkg:npm/semver' })).get(A)?.vex, undefined);
  // The statement names semver as the subcomponent: another component of A is not covered.
  const other = await usage({ purl: 'pkg:npm/fastify', vulnerability: CVE });
  assert.ok(other.matches.length > 0);
  assert.ok(other.matches.every((m) => m.vex === undefined));
});

test('a later statement overrides an earlier one; CSV carries the status', async () => {
  const res = await uploadVex(vexDoc('2026-11-15T00:00:00Z', [{
    vulnerability: { name: CVE }, status: 'affected', action_statement: 'Upgrade semver to 7.9.0',
  }]));
  assert.equal(res.statusCode, 201, res.body);
  const r = byArtifact(await usage({ purl: 'pkg:npm/semver', vulnerability: CVE }));
  assert.equal(r.get(A)?.vex?.status, 'affected');
  assert.equal(r.get(A)?.vex?.actionStatement, 'Upgrade semver to 7.9.0');

  const csv = await t.app.inject({ method: 'GET', url: `/v1/components/usage?purl=pkg:npm/semver&vulnerability=${CVE}`, headers: { ...t.auth(), accept: 'text/csv' } });
  assert.equal(csv.statusCode, 200);
  const [header, ...rows] = csv.body.trim().split('\n');
  const cols = header!.split(',');
  const statusCol = cols.indexOf('vex_status');
  assert.ok(statusCol > 0, header);
  const rowOf = (d: string) => rows.find((l) => l.includes(d))!.split(',');
  assert.equal(rowOf(A)[statusCol], 'affected');
  assert.equal(rowOf(B)[statusCol], '');
});

test('a VEX signed by a key we do not trust is refused at ingest and never counts', async () => {
  const res = await uploadVex(vexDoc('2026-12-01T00:00:00Z', [{ vulnerability: { name: CVE }, status: 'not_affected', justification: 'component_not_present' }]), 'other-p256.key');
  assert.equal(res.statusCode, 422, res.body);
  assert.equal((res.json() as { code: string }).code, 'UNKNOWN_KEY');
  // Still the verified, later-than-any-other "affected".
  assert.equal(byArtifact(await usage({ purl: 'pkg:npm/semver', vulnerability: CVE })).get(A)?.vex?.status, 'affected');
});

test('statements are indexed by vulnerability id and alias, normalized; the backfill rebuilds the same rows', async () => {
  // A v0.0.x statement (vulnerability as a string) with stray space and lower case, and a v0.2.0
  // one whose alias repeats its name: each id once per statement.
  const res = await uploadVex(vexDoc('2026-11-20T00:00:00Z', [
    { vulnerability: ' cve-2099-7777 ', status: 'under_investigation' },
    { vulnerability: { '@id': 'https://nvd.nist.gov/vuln/detail/CVE-2099-8888', name: 'CVE-2099-8888', aliases: ['cve-2099-8888', 'GHSA-8888-8888-8888', 42] }, status: 'fixed', timestamp: '2026-11-21T00:00:00Z' },
  ]), 'managed-p256.key', B);
  assert.equal(res.statusCode, 201, res.body);
  const attestation = (res.json() as { id: string }).id;
  const rows = async () => (await t.db.pool.query<{ vulnerability_id: string; ord: number; document_timestamp: string }>(
    'SELECT vulnerability_id, ord, document_timestamp FROM vex_statement WHERE attestation_id = $1 ORDER BY ord, vulnerability_id', [attestation])).rows;
  const indexed = await rows();
  assert.deepEqual(indexed.map((r) => [r.ord, r.vulnerability_id]), [[0, 'CVE-2099-7777'], [1, 'CVE-2099-8888'], [1, 'GHSA-8888-8888-8888']]);
  assert.ok(indexed.every((r) => r.document_timestamp === '2026-11-20T00:00:00Z'));

  const r = byArtifact(await usage({ purl: 'pkg:npm/semver', vulnerability: 'CVE-2099-7777' }));
  assert.equal(r.get(B)?.vex?.status, 'under_investigation');
  assert.equal(r.get(B)?.vex?.timestamp, '2026-11-20T00:00:00.000Z', 'inherited from the document');
  const f = byArtifact(await usage({ purl: 'pkg:npm/semver', vulnerability: 'ghsa-8888-8888-8888' })).get(B)?.vex;
  assert.equal(f?.status, 'fixed');
  assert.equal(f?.vulnerability, 'CVE-2099-8888');
  assert.equal(f?.timestamp, '2026-11-21T00:00:00.000Z', 'its own timestamp');

  // What the migration runs for attestations stored before it: the same rows, and running it
  // again adds none.
  await t.db.pool.query('DELETE FROM vex_statement WHERE attestation_id = $1', [attestation]);
  assert.deepEqual(await rows(), []);
  await t.db.pool.query("SELECT attestant_index_vex(id) FROM attestation WHERE predicate_kind = 'openvex'");
  await t.db.pool.query("SELECT attestant_index_vex(id) FROM attestation WHERE predicate_kind = 'openvex'");
  assert.deepEqual(await rows(), indexed);
});

test('a bad vulnerability id is 400 with a pointer', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/v1/components/usage?purl=pkg:npm/semver&vulnerability=CVE%202021', headers: t.auth() });
  assert.equal(res.statusCode, 400);
  assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  const body = res.json() as { code: string; pointer?: string };
  assert.equal(body.code, 'VALIDATION_FAILED');
  assert.equal(body.pointer, '/vulnerability');
});
