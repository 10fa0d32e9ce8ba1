// The whole loop: a real SLSA provenance bundle and a real SBOM are ingested; a production policy
// that trusts slsa-github-generator and github.com/slsa-framework/example-package allows the
// artifact; a deny rule on one of its SBOM components turns it into a deny with that reason; an
// exception turns it back into an allow until it expires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { testApp } from '../helpers/app.ts';
import { policyDir, EXAMPLE_PACKAGE_REPO, SLSA_GENERATOR_BUILDERS, type PolicySpec } from '../helpers/policies.ts';
import { verifyAuditChain } from '../../src/cli/audit.command.ts';

const production: PolicySpec = {
  require: {
    provenance: { builders: SLSA_GENERATOR_BUILDERS, sourceRepos: [EXAMPLE_PACKAGE_REPO], refs: ['refs/heads/main', 'refs/tags/v*'] },
    signers: [{ issuer: 'https://token.actions.githubusercontent.com', identity: '^https://github\\.com/slsa-framework/slsa-github-generator/\\.github/workflows/.+@refs/tags/v[0-9.]+$' }],
    sbom: true,
  },
};
const policies = policyDir();
policies.write('production.yaml', production);

const t = await testApp({ policyDir: policies.dir });
const manifest = JSON.parse(readFileSync(new URL('../fixtures/slsa/manifest.json', import.meta.url), 'utf8'));
const pair = manifest.pairs[0];
const artifact: string = pair.expectedSubjectDigest;
const sbom = readFileSync(new URL('../fixtures/sbom/attestant-npm.cdx.json', import.meta.url));
const sbomJson = JSON.parse(sbom.toString('utf8')) as { components: Array<{ name: string; group?: string; version: string }> };
const fastifyVersion = sbomJson.components.find((c) => c.name === 'fastify' && !c.group)!.version;

async function decide(body: Record<string, unknown> = {}) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact, environment: 'prod', ...body } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test('the whole loop: allow, deny by component, exception, expiry', async () => {
  // Before any evidence: denied, with actionable reasons.
  const empty = await decide();
  assert.equal(empty.allowed, false);
  assert.ok(empty.reasons.some((r: { rule: string; outcome: string }) => r.rule === 'provenance' && r.outcome === 'fail'));

  const att = await t.app.inject({ method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: readFileSync(new URL(`../fixtures/slsa/${pair.provenance}`, import.meta.url)) });
  assert.equal(att.statusCode, 201, att.body);
  const up = await t.app.inject({ method: 'POST', url: `/v1/sboms?artifact=${artifact}&service=example-package`, headers: { ...t.auth(), 'content-type': 'application/json' }, payload: sbom });
  assert.equal(up.statusCode, 201, up.body);

  const allowed = await decide({ service: 'example-package', record: true });
  assert.equal(allowed.allowed, true, JSON.stringify(allowed.reasons, null, 1));
  assert.equal(allowed.outcome, 'allow');
  assert.equal(allowed.policy.name, 'production');
  assert.match(allowed.policy.digest, /^sha256:[0-9a-f]{64}$/);
  assert.ok(allowed.deployment?.id, 'record: true writes a deployment');
  const prov = allowed.reasons.find((r: { rule: string }) => r.rule === 'provenance');
  assert.equal(prov.outcome, 'pass');
  assert.equal(prov.evidence.attestationId, att.json().id);

  // The recorded deployment feeds where-used.
  const usage = await t.app.inject({ method: 'GET', url: '/v1/components/usage?purl=pkg:npm/fastify', headers: t.auth() });
  const hit = usage.json().matches.find((m: { artifact: { digest: string } }) => m.artifact.digest === artifact);
  assert.deepEqual(hit.deployments.map((d: { service: string; environment: string }) => `${d.service}@${d.environment}`), ['example-package@prod']);

  // A deny rule on one of its components, loaded by reload (no restart).
  policies.write('production.yaml', { ...production, deny: { components: [{ purl: 'pkg:npm/fastify', range: `vers:npm/>=${fastifyVersion}|<99.0.0`, reason: 'test: fastify is banned' }] } });
  const reload = await t.app.inject({ method: 'POST', url: '/v1/admin/reload', headers: t.auth() });
  assert.equal(reload.statusCode, 200, reload.body);
  const denied = await decide();
  assert.equal(denied.allowed, false);
  assert.notEqual(denied.policy.digest, allowed.policy.digest);
  const deny = denied.reasons.find((r: { rule: string; outcome: string }) => r.rule === 'deny.components' && r.outcome === 'fail');
  assert.ok(deny, JSON.stringify(denied.reasons));
  assert.match(deny.message, /fastify is banned/);
  assert.equal(deny.evidence.component, `pkg:npm/fastify@${fastifyVersion}`);

  // An exception for that component turns it into an allow, until it expires.
  const expiresAt = new Date(Date.now() + 2000).toISOString();
  const ex = await t.app.inject({ method: 'POST', url: '/v1/exceptions', headers: t.auth(), payload: { environment: 'prod', component: 'pkg:npm/fastify', owner: 'sec-team', justification: 'patch lands Friday', expiresAt } });
  assert.equal(ex.statusCode, 201, ex.body);
  const excepted = await decide();
  assert.equal(excepted.allowed, true, JSON.stringify(excepted.reasons));
  assert.equal(excepted.outcome, 'exception');
  const exReason = excepted.reasons.find((r: { outcome: string }) => r.outcome === 'exception');
  assert.equal(exReason.evidence.exceptionId, ex.json().id);

  await new Promise((r) => setTimeout(r, 2200));
  const expired = await decide();
  assert.equal(expired.allowed, false, 'an expired exception stops applying without anyone acting');

  // Every decision was stored durably and the audit chain verifies.
  const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM decision');
  assert.equal(rows[0].n, 5);
  const chain = await verifyAuditChain(t.db.pool);
  assert.equal(chain.ok, true);
});

test('an environment no policy governs is denied; a bad reload is refused and the old policy stays', async () => {
  const staging = await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact, environment: 'staging' } });
  assert.equal(staging.json().allowed, false);
  assert.equal(staging.json().reasons[0].rule, 'environment');
  policies.write('broken.yaml', 'apiVersion: attestant.dev/v1\nkind: Policy\nmetadata: { name: broken }\nspec:\n  environments: [qa]\n  mode: sometimes\n');
  const reload = await t.app.inject({ method: 'POST', url: '/v1/admin/reload', headers: t.auth() });
  assert.equal(reload.statusCode, 422);
  assert.equal(reload.json().code, 'POLICY_INVALID');
  assert.match(reload.json().detail, /broken\.yaml/);
  const still = await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact, environment: 'prod' } });
  assert.equal(still.statusCode, 200);
  // Invented environment names are counted together, never as label values of their own.
  for (const environment of ['made-up-1', 'made-up-2']) await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact, environment } });
  const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(metrics, /attestant_decisions_total\{environment="prod",mode="enforce",outcome="(allow|deny)"\} [1-9]/);
  assert.match(metrics, /attestant_decisions_total\{environment="\(ungoverned\)",mode="enforce",outcome="deny"\} 3/);
  assert.doesNotMatch(metrics, /made-up|environment="staging"/);
});

test('invalid requests: bad digest and record without service are 400s', async () => {
  const bad = await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact: 'sha256:nope', environment: 'prod' } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().pointer, '/artifact');
  const rec = await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact, environment: 'prod', record: true } });
  assert.equal(rec.statusCode, 400);
  assert.equal(rec.json().pointer, '/service');
});

test('exceptions must expire within 90 days', async () => {
  const far = new Date(Date.now() + 91 * 86_400_000).toISOString();
  const res = await t.app.inject({ method: 'POST', url: '/v1/exceptions', headers: t.auth(), payload: { environment: 'prod', artifact, owner: 'x', justification: 'y', expiresAt: far } });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'EXCEPTION_INVALID');
  const none = await t.app.inject({ method: 'POST', url: '/v1/exceptions', headers: t.auth(), payload: { environment: 'prod', artifact, owner: 'x', justification: 'y' } });
  assert.equal(none.statusCode, 400);
});
