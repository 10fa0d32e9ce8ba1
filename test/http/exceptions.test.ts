// Exceptions after they are granted: who can see which are in force, and withdrawing one before it
// expires (granted by mistake, or the fix shipped early) makes the waived failure a failure again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, mintToken } from '../helpers/app.ts';
import { policyDir } from '../helpers/policies.ts';

// A policy with one requirement the artifact cannot meet (no SBOM), so only an exception allows it.
const policies = policyDir({ require: { sbom: true } });
const t = await testApp({ policyDir: policies.dir });
const artifact = `sha256:${'e7'.repeat(32)}`;
const decide = async () => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact, environment: 'prod' } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};
const grant = async (environment: string, expiresInMs: number) => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/exceptions', headers: t.auth(), payload: { environment, artifact, owner: 'release-team', justification: 'SBOM generator broken this week', expiresAt: new Date(Date.now() + expiresInMs).toISOString() } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
};
const list = async (query = '', token?: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/v1/exceptions${query}`, headers: t.auth(token) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().exceptions as Array<{ id: string; environment: string; revokedAt: string | null; revokedBy: string | null }>;
};

test('revoking an exception ends it at the next decision; revoking again changes nothing; audited once', async () => {
  assert.equal((await decide()).allowed, false);
  const id = await grant('prod', 86_400_000);
  const waived = await decide();
  assert.equal(waived.outcome, 'exception');

  const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/exceptions/${id}`, headers: t.auth() });
  assert.equal(revoked.statusCode, 200, revoked.body);
  assert.equal(revoked.json().id, id);
  assert.equal(revoked.json().revokedBy, 'ATTESTANT_ADMIN_TOKEN');
  assert.ok(Date.parse(revoked.json().revokedAt) > 0);
  const after = await decide();
  assert.equal(after.allowed, false, JSON.stringify(after.reasons));
  assert.equal(after.outcome, 'deny');

  const again = await t.app.inject({ method: 'DELETE', url: `/v1/exceptions/${id}`, headers: t.auth() });
  assert.equal(again.statusCode, 200);
  assert.equal(again.json().revokedAt, revoked.json().revokedAt);
  const { rows } = await t.db.pool.query("SELECT count(*)::int AS n FROM audit_event WHERE kind = 'exception.revoked' AND subject = $1", [id]);
  assert.equal(rows[0].n, 1);
});

test('the list shows what is in force; all=true adds the expired and the revoked; environment narrows it', async () => {
  const live = await grant('staging', 86_400_000);
  const soon = await grant('staging', 300);
  const gone = await grant('staging', 86_400_000);
  assert.equal((await t.app.inject({ method: 'DELETE', url: `/v1/exceptions/${gone}`, headers: t.auth() })).statusCode, 200);
  await new Promise((r) => setTimeout(r, 400));
  const reader = await mintToken(t, ['read']);
  const inForce = (await list('?environment=staging', reader)).map((e) => e.id);
  assert.deepEqual(inForce, [live], 'read scope is enough to see them');
  const everything = await list('?environment=staging&all=true');
  assert.deepEqual(new Set(everything.map((e) => e.id)), new Set([live, soon, gone]));
  assert.equal(everything.find((e) => e.id === gone)!.revokedBy, 'ATTESTANT_ADMIN_TOKEN');
  assert.ok((await list('?all=true')).some((e) => e.environment === 'prod'), 'without environment: every environment');
});

test('revoking: unknown id 404, malformed 400 with a pointer, and only with the admin scope', async () => {
  const unknown = await t.app.inject({ method: 'DELETE', url: '/v1/exceptions/00000000-0000-4000-8000-000000000000', headers: t.auth() });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().code, 'NOT_FOUND');
  const bad = await t.app.inject({ method: 'DELETE', url: '/v1/exceptions/123', headers: t.auth() });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().pointer, '/id');
  const id = await grant('qa', 86_400_000);
  const weak = await mintToken(t, ['read', 'ingest', 'decide']);
  const forbidden = await t.app.inject({ method: 'DELETE', url: `/v1/exceptions/${id}`, headers: t.auth(weak) });
  assert.equal(forbidden.statusCode, 403);
  assert.deepEqual((await list('?environment=qa')).map((e) => e.id), [id], 'still in force');
});
