// A leaked CI token must be revocable at once, on every replica, and listing tokens must never
// show a secret or a hash.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectDatabase } from '../../src/platform/database.ts';
import { loadConfig } from '../../src/config/index.ts';
import { buildApp } from '../../src/app.ts';
import { testApp, mintToken, ADMIN_TOKEN } from '../helpers/app.ts';

const t = await testApp();
const idOf = async (token: string) => {
  const list = (await t.app.inject({ method: 'GET', url: '/v1/tokens', headers: t.auth() })).json().tokens as Array<{ id: string; name: string }>;
  const { rows } = await t.db.pool.query<{ id: string }>("SELECT id FROM api_token WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [token]);
  assert.ok(list.some((x) => x.id === rows[0]!.id));
  return rows[0]!.id;
};
const read = (token: string) => t.app.inject({ method: 'GET', url: `/v1/components/usage?purl=pkg:npm/x`, headers: t.auth(token) });

test('the list shows name, scopes and dates, never a secret or a hash', async () => {
  const token = await mintToken(t, ['read', 'ingest']);
  const res = await t.app.inject({ method: 'GET', url: '/v1/tokens', headers: t.auth() });
  assert.equal(res.statusCode, 200, res.body);
  const listed = res.json().tokens.find((x: { name: string }) => x.name === 't-read-ingest');
  assert.deepEqual(Object.keys(listed).sort(), ['createdAt', 'expiresAt', 'id', 'name', 'revokedAt', 'scopes']);
  assert.deepEqual(listed.scopes, ['read', 'ingest']);
  assert.equal(listed.revokedAt, null);
  const { rows } = await t.db.pool.query<{ token_hash: string }>('SELECT token_hash FROM api_token WHERE id = $1', [listed.id]);
  assert.ok(!res.body.includes(token) && !res.body.includes(rows[0]!.token_hash));
});

test('a revoked token is refused from the next request; revoking again changes nothing; both are audited once', async () => {
  const token = await mintToken(t, ['read']);
  assert.equal((await read(token)).statusCode, 200, 'works (and is now in the verified-token cache)');
  const id = await idOf(token);
  const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/tokens/${id}`, headers: t.auth() });
  assert.equal(revoked.statusCode, 200, revoked.body);
  assert.equal(revoked.json().id, id);
  assert.ok(Date.parse(revoked.json().revokedAt) > 0);
  const refused = await read(token);
  assert.equal(refused.statusCode, 401);
  assert.equal(refused.json().code, 'UNAUTHENTICATED');

  const again = await t.app.inject({ method: 'DELETE', url: `/v1/tokens/${id}`, headers: t.auth() });
  assert.equal(again.statusCode, 200);
  assert.equal(again.json().revokedAt, revoked.json().revokedAt, 'the first revocation time is kept');
  const { rows } = await t.db.pool.query("SELECT actor, body FROM audit_event WHERE kind = 'token.revoked' AND subject = $1", [id]);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].actor, 'ATTESTANT_ADMIN_TOKEN');
});

test('revoking: an unknown id is 404, a malformed one 400, and it takes the admin scope', async () => {
  const unknown = await t.app.inject({ method: 'DELETE', url: '/v1/tokens/00000000-0000-4000-8000-000000000000', headers: t.auth() });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().code, 'NOT_FOUND');
  const bad = await t.app.inject({ method: 'DELETE', url: '/v1/tokens/not-a-uuid', headers: t.auth() });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'VALIDATION_FAILED');
  assert.equal(bad.json().pointer, '/id');
  const reader = await mintToken(t, ['read', 'ingest', 'decide']);
  const victim = await mintToken(t, ['read']);
  const forbidden = await t.app.inject({ method: 'DELETE', url: `/v1/tokens/${await idOf(victim)}`, headers: t.auth(reader) });
  assert.equal(forbidden.statusCode, 403);
  assert.equal((await read(victim)).statusCode, 200, 'a refused revocation revokes nothing');
});

test('a token revoked on one replica is refused by another that had verified it, well before its cache would expire', async () => {
  const db = connectDatabase(t.db.url, { poolSize: 2 });
  const other = await buildApp({ config: loadConfig({ ATTESTANT_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent' }), db, logger: false });
  after(async () => { await other.close(); await db.close(); });
  await other.ready();
  const token = await mintToken(t, ['read']);
  const onOther = () => other.inject({ method: 'GET', url: '/v1/components/usage?purl=pkg:npm/x', headers: { authorization: `Bearer ${token}` } });
  assert.equal((await onOther()).statusCode, 200, 'the other replica verified it and remembers it (for 10 s)');
  const started = Date.now();
  assert.equal((await t.app.inject({ method: 'DELETE', url: `/v1/tokens/${await idOf(token)}`, headers: t.auth() })).statusCode, 200);
  let status = 200;
  while (status === 200 && Date.now() - started < 5_000) {
    await new Promise((r) => setTimeout(r, 20));
    status = (await onOther()).statusCode;
  }
  assert.equal(status, 401, 'refused through the change notice, not by the cache expiring');
});

test('a token minted to expire works until expiresAt and is refused after it, without anyone acting', async () => {
  const expiresAt = new Date(Date.now() + 3_000).toISOString();
  const res = await t.app.inject({ method: 'POST', url: '/v1/tokens', headers: t.auth(), payload: { name: 'ci-job-4711', scopes: ['read'], expiresAt } });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().expiresAt, expiresAt);
  const token = res.json().token as string;
  assert.equal((await read(token)).statusCode, 200, 'valid now (and remembered as verified)');
  const listed = (await t.app.inject({ method: 'GET', url: '/v1/tokens', headers: t.auth() })).json().tokens.find((x: { name: string }) => x.name === 'ci-job-4711');
  assert.equal(listed.expiresAt, expiresAt);
  await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 100));
  const refused = await read(token);
  assert.equal(refused.statusCode, 401, 'refused at once, though the verified-token cache would keep it for 10 s');
  assert.equal(refused.json().code, 'UNAUTHENTICATED');

  const past = await t.app.inject({ method: 'POST', url: '/v1/tokens', headers: t.auth(), payload: { name: 'x', scopes: ['read'], expiresAt: '2020-01-01T00:00:00Z' } });
  assert.equal(past.statusCode, 400);
  assert.equal(past.json().pointer, '/expiresAt');
  const malformed = await t.app.inject({ method: 'POST', url: '/v1/tokens', headers: t.auth(), payload: { name: 'x', scopes: ['read'], expiresAt: 'tomorrow' } });
  assert.equal(malformed.statusCode, 400);
  assert.equal(malformed.json().code, 'VALIDATION_FAILED');
});
