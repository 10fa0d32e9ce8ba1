import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, mintToken } from '../helpers/app.ts';

const t = await testApp();

test('healthz and readyz answer without a token', async () => {
  const h = await t.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(h.statusCode, 200);
  const r = await t.app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().checks.migrations, true);
});

test('unknown routes are problem+json 404 with a request id', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'req-123' } });
  assert.equal(res.statusCode, 404);
  assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  const body = res.json();
  assert.equal(body.code, 'NOT_FOUND');
  assert.equal(body.requestId, 'req-123');
  assert.equal(res.headers['x-request-id'], 'req-123');
});

test('tokens: minted secret works, is stored only as a hash, and scopes are enforced', async () => {
  const token = await mintToken(t, ['read']);
  const { rows } = await t.db.pool.query('SELECT token_hash FROM api_token');
  assert.ok(rows.length >= 1);
  for (const r of rows) assert.notEqual(r.token_hash, token);
  assert.match(rows[0].token_hash, /^[0-9a-f]{64}$/);
  const forbidden = await t.app.inject({ method: 'POST', url: '/v1/tokens', headers: t.auth(token), payload: { name: 'x', scopes: ['read'] } });
  assert.equal(forbidden.statusCode, 403);
  assert.equal(forbidden.json().code, 'FORBIDDEN');
});

test('token minting validates input with a JSON pointer', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/tokens', headers: t.auth(), payload: { name: 'x', scopes: ['root'] } });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'VALIDATION_FAILED');
  assert.equal(res.json().pointer, '/scopes/0');
});

test('token minting is audited in the hash chain', async () => {
  const { rows } = await t.db.pool.query("SELECT kind, prev_hash, hash FROM audit_event ORDER BY seq");
  assert.ok(rows.some((r) => r.kind === 'token.minted'));
});

test('small-body routes refuse oversized requests with 413 before doing any work', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: JSON.stringify({ artifact: 'x'.repeat(70_000), environment: 'prod' }) });
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().code, 'PAYLOAD_TOO_LARGE');
});
