// The CLI against the real server over a socket.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testApp, ADMIN_TOKEN } from '../helpers/app.ts';
import { policyDir, SLSA_GENERATOR_BUILDERS } from '../helpers/policies.ts';
import { main } from '../../src/cli/main.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

const { dir: policyDirPath } = policyDir({ require: { provenance: { builders: SLSA_GENERATOR_BUILDERS }, sbom: true } });
const scratch = scratchDir('attestant-cli-');
const t = await testApp({ policyDir: policyDirPath });
const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
process.env.ATTESTANT_URL = url;
process.env.ATTESTANT_TOKEN = ADMIN_TOKEN;
after(() => { delete process.env.ATTESTANT_URL; delete process.env.ATTESTANT_TOKEN; });

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

const manifest = JSON.parse(readFileSync(new URL('../fixtures/slsa/manifest.json', import.meta.url), 'utf8'));
const pair = manifest.pairs[0];
const slsaPath = new URL(`../fixtures/slsa/${pair.provenance}`, import.meta.url).pathname;
const sbomPath = new URL('../fixtures/sbom/attestant-npm.cdx.json', import.meta.url).pathname;

test('upload detects attestations and SBOMs', async () => {
  const a = await run('upload', slsaPath);
  assert.equal(a.code, 0, a.err);
  assert.match(a.out, /stored attestation .* \(https:\/\/slsa\.dev\/provenance\/v0\.2\)/);
  const s = await run('upload', sbomPath, '--artifact', pair.expectedSubjectDigest, '--service', 'cli-svc');
  assert.equal(s.code, 0, s.err);
  assert.match(s.out, /stored SBOM .* cyclonedx 1\.6, \d+ components/);
  const again = await run('upload', sbomPath);
  assert.match(again.out, /already stored/);
});

test('upload of a rejected file exits 1 and prints the problem code', async () => {
  const bad = join(scratch, 'bad.json');
  writeFileSync(bad, '{"bomFormat":"CycloneDX","specVersion":"1.5","components":[');
  const r = await run('upload', bad);
  assert.equal(r.code, 1);
  assert.match(r.err, /400 SBOM_NOT_PARSEABLE/);
});

test('upload: a file that cannot be read fails alone, with its name; the others still upload', async () => {
  const missing = join(scratch, 'missing.json');
  const r = await run('upload', missing, scratch, sbomPath);
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`^${missing}: cannot read it \\(no such file\\)$`, 'm'));
  assert.match(r.err, new RegExp(`^${scratch}: cannot read it \\(a directory: name the files in it\\)$`, 'm'));
  assert.match(r.out, /attestant-npm\.cdx\.json: (stored|already stored) SBOM/);
});

test('usage prints a table with the artifact, service and path; --json and --csv work', async () => {
  const table = await run('usage', 'pkg:npm/avvio');
  assert.equal(table.code, 0, table.err);
  assert.match(table.out, /COMPONENT\s+ARTIFACT\s+SERVICES\s+ENVIRONMENTS\s+DIRECT \/ PATH/);
  assert.match(table.out, /pkg:npm\/avvio@/);
  assert.match(table.out, /cli-svc/);
  assert.match(table.out, /pkg:npm\/fastify@.* > pkg:npm\/avvio@/);
  assert.match(table.out, /\n1 match: 1 component in 1 artifact, 1 service\n$/);
  const json = JSON.parse((await run('usage', 'pkg:npm/fastify', '--json')).out);
  assert.equal(json.matches[0].artifact.digest, pair.expectedSubjectDigest);
  const csv = (await run('usage', 'pkg:npm/fastify', '--csv')).out;
  assert.equal(csv.trim().split('\n').length, 2);
  // --vulnerability adds a VEX column (test/usage/vex.test.ts covers what fills it): none here.
  const vex = await run('usage', 'pkg:npm/avvio', '--vulnerability', 'CVE-2099-0001');
  assert.match(vex.out, /DIRECT \/ PATH\s+VEX CVE-2099-0001\n/);
  assert.match(vex.out, /pkg:npm\/avvio@.* > pkg:npm\/avvio@\S+\s+-\n/);
  assert.match(vex.out, /\nVEX CVE-2099-0001: 1 no VEX statement\n$/);
  const bad = await run('usage', 'pkg:npm/fastify', '--range', 'vers:npm/>>1');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /VERS_INVALID/);
});

test('check: exit 0 on allow, 1 on deny, 2 when unavailable', async () => {
  const allow = await run('check', pair.expectedSubjectDigest, '--env', 'prod', '--service', 'cli-svc', '--record');
  assert.equal(allow.code, 0, allow.out + allow.err);
  assert.match(allow.out, /^ALLOWED/);
  assert.match(allow.out, /PASS\s+provenance/);
  assert.match(allow.out, /recorded deployment/);
  // What the recorded deployment put in prod is what the incident question finds there.
  const inProd = await run('usage', 'pkg:npm/fastify', '--env', 'prod');
  assert.equal(inProd.code, 0, inProd.err);
  assert.match(inProd.out, /prod\(cli-svc\)/);
  assert.match(inProd.out, /\n1 match: 1 component in 1 artifact, 1 service deployed in prod now\n$/);
  assert.match((await run('usage', 'pkg:npm/fastify', '--env', 'staging')).out, /^0 matches: 0 components in 0 artifacts, 0 services deployed in staging now\n$/m);
  const deny = await run('check', `sha256:${'e5'.repeat(32)}`, '--env', 'prod');
  assert.equal(deny.code, 1);
  assert.match(deny.out, /^DENIED/);
  assert.match(deny.out, /FAIL\s+provenance/);
  // A port nothing listens on: the service is unreachable, which is "unavailable", and says so.
  const { findFreePort } = await import('../../src/platform/embedded-postgres.ts');
  const nowhere = `http://127.0.0.1:${await findFreePort()}`;
  process.env.ATTESTANT_URL = nowhere;
  try {
    const down = await run('check', pair.expectedSubjectDigest, '--env', 'prod');
    assert.equal(down.code, 2);
    assert.equal(down.err, `cannot reach the Attestant service (${nowhere}): connection refused\n`);
  } finally {
    process.env.ATTESTANT_URL = url;
  }
});

test('token: create prints the secret alone on stdout, list shows it without the secret, revoke stops it working', async () => {
  const created = await run('token', 'create', 'ci-leaky', '--scopes', 'read,ingest');
  assert.equal(created.code, 0, created.err);
  const secret = created.out.trim();
  assert.match(secret, /^\S+$/);
  assert.match(created.err, /created token [0-9a-f-]{36} "ci-leaky" \(read,ingest\)/);
  const id = /created token ([0-9a-f-]{36})/.exec(created.err)![1]!;
  process.env.ATTESTANT_TOKEN = secret;
  try {
    assert.equal((await run('usage', 'pkg:npm/fastify', '--json')).code, 0, 'the new token reads');
  } finally {
    process.env.ATTESTANT_TOKEN = ADMIN_TOKEN;
  }
  const list = await run('token', 'list');
  assert.equal(list.code, 0, list.err);
  assert.match(list.out, /^ID\s+NAME\s+SCOPES\s+CREATED\s+EXPIRES\s+REVOKED/);
  assert.match(list.out, new RegExp(`${id}\\s+ci-leaky\\s+read,ingest\\s+\\S+\\s+-\\s+-`));
  assert.ok(!list.out.includes(secret));

  const revoked = await run('token', 'revoke', id);
  assert.equal(revoked.code, 0, revoked.err);
  assert.match(revoked.out, new RegExp(`^revoked token ${id} "ci-leaky" at \\d{4}-`));
  process.env.ATTESTANT_TOKEN = secret;
  try {
    const refused = await run('usage', 'pkg:npm/fastify');
    assert.equal(refused.code, 2);
    assert.match(refused.err, /401 UNAUTHENTICATED/);
  } finally {
    process.env.ATTESTANT_TOKEN = ADMIN_TOKEN;
  }
  const unknown = await run('token', 'revoke', '00000000-0000-4000-8000-000000000000');
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /404 NOT_FOUND/);
  assert.equal((await run('token', 'create', 'no-scopes')).code, 2, 'usage error');
});

test('exception: grant turns a deny into an allow, list shows it, revoke ends it; bad input is a usage error or the problem', async () => {
  const artifact = `sha256:${'e6'.repeat(32)}`;
  assert.equal((await run('check', artifact, '--env', 'prod')).code, 1, 'denied: no provenance, no SBOM');
  const granted = await run('exception', 'grant', '--env', 'prod', '--artifact', artifact, '--owner', 'release-team', '--justification', 'hotfix while the builder is down', '--days', '2');
  assert.equal(granted.code, 0, granted.err);
  const m = /^granted exception ([0-9a-f-]{36}) in prod for sha256:e6e6\S+, until (\S+)\n$/.exec(granted.out);
  assert.ok(m, granted.out);
  const [, id, until] = m;
  assert.ok(Math.abs(Date.parse(until!) - (Date.now() + 2 * 86_400_000)) < 60_000, 'two days from now');
  const excepted = await run('check', artifact, '--env', 'prod');
  assert.equal(excepted.code, 0, excepted.out);
  assert.match(excepted.out, /^ALLOWED .*\(exception,/);

  const list = await run('exception', 'list', '--env', 'prod');
  assert.equal(list.code, 0, list.err);
  assert.match(list.out, /^ID\s+ENV\s+SCOPE\s+OWNER\s+EXPIRES\s+REVOKED\s+JUSTIFICATION/);
  assert.match(list.out, new RegExp(`${id}\\s+prod\\s+sha256:e6e6\\S*\\s+release-team\\s+\\S+\\s+-\\s+hotfix while the builder is down`));

  const revoked = await run('exception', 'revoke', id!);
  assert.equal(revoked.code, 0, revoked.err);
  assert.match(revoked.out, new RegExp(`^revoked exception ${id} in prod`));
  assert.equal((await run('check', artifact, '--env', 'prod')).code, 1, 'denied again');
  assert.doesNotMatch((await run('exception', 'list', '--env', 'prod')).out, new RegExp(id!), 'no longer in force');
  assert.match((await run('exception', 'list', '--env', 'prod', '--all')).out, new RegExp(`${id}.*\\d{4}-\\d\\d-\\d\\dT`));

  const tooLong = await run('exception', 'grant', '--env', 'prod', '--artifact', artifact, '--owner', 'o', '--justification', 'j', '--days', '91');
  assert.equal(tooLong.code, 1);
  assert.match(tooLong.err, /400 EXCEPTION_INVALID: expiresAt must be at most 90 days away\. \(at \/expiresAt\)/);
  assert.equal((await run('exception', 'grant', '--env', 'prod', '--owner', 'o', '--justification', 'j', '--days', '1')).code, 2, 'neither artifact nor component');
});

test('policy validate: the policies a server would load (exit 0), every problem with file and line (exit 1), nothing to load (exit 1)', async () => {
  const ok = await run('policy', 'validate', policyDirPath);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /production\s+prod\s+enforce\s+sha256:[0-9a-f]{64}/);
  assert.match(ok.out, /1 policy valid/);
  // The digest is the one decisions record.
  const decision = await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact: `sha256:${'0'.repeat(64)}`, environment: 'prod' } });
  assert.ok(ok.out.includes(decision.json().policy.digest));

  const broken = new URL('../fixtures/policies/broken/', import.meta.url).pathname;
  const bad = await run('policy', 'validate', broken);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /bad-mode\.yaml:6:9: \/spec\/mode: must be one of/);
  assert.match(bad.err, /unknown-field\.yaml:9:7: \/spec\/require\/provenance\/buiders: unknown field "buiders"/);
  assert.match(bad.err, /8 problems in 7 files/);
  const badJson = await run('policy', 'validate', broken, '--json');
  assert.equal(badJson.code, 1);
  const body = JSON.parse(badJson.out) as { valid: boolean; code: string; issues: Array<{ file: string; line: number; field: string }> };
  assert.equal(body.valid, false);
  assert.equal(body.code, 'POLICY_INVALID');
  assert.equal(body.issues.length, 8);

  const conflict = await run('policy', 'validate', new URL('../fixtures/policies/conflict/', import.meta.url).pathname);
  assert.equal(conflict.code, 1);
  assert.match(conflict.err, /b-hotfix\.yaml:7:7: \/spec\/environments\/1: environment "prod" is already governed by policy "production"/);

  const empty = await run('policy', 'validate', scratchDir('attestant-no-policies-'));
  assert.equal(empty.code, 1);
  assert.match(empty.err, /no policy files .* every decision would be unavailable/);
  assert.equal((await run('policy', 'lint')).code, 2);
});
