// Walks every route the app registers: each protected route answers 401 without a token, 401 with
// an unknown token, and 403 with a valid token that lacks its scope. Public routes are the
// documented few.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, mintToken } from '../helpers/app.ts';

const t = await testApp();
const PUBLIC = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);
const scopes = ['ingest', 'decide', 'read', 'admin'] as const;
const lacking: Record<string, string> = {};
for (const s of scopes) {
  // A token with every scope but the one needed (admin implies all, so admin routes get the other three).
  lacking[s] = await mintToken(t, scopes.filter((x) => x !== s && x !== 'admin'));
}

function concrete(url: string): string {
  return url.replace(':digest', `sha256:${'d4'.repeat(32)}`).replace(':environment', 'prod').replace(':id', '00000000-0000-4000-8000-000000000000').replace('*', 'x');
}

test('every route declares a scope, and the public ones are exactly the documented ones', () => {
  const routes = t.app.routeTable.filter((r) => r.method !== 'HEAD');
  assert.ok(routes.length >= 14);
  for (const r of routes) {
    if (r.scope === 'public') assert.ok(PUBLIC.has(r.url) || r.url.startsWith('/docs'), `${r.method} ${r.url} is public`);
    else assert.ok((scopes as readonly string[]).includes(r.scope), `${r.method} ${r.url}: ${r.scope}`);
  }
});

test('protected routes: 401 without a token or with a wrong one, 403 without the scope', async () => {
  const routes = t.app.routeTable.filter((r) => r.method !== 'HEAD' && r.scope !== 'public');
  for (const r of routes) {
    const url = concrete(r.url);
    const method = r.method as 'GET' | 'POST' | 'DELETE';
    const none = await t.app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
    assert.equal(none.statusCode, 401, `${r.method} ${r.url} without token: ${none.body}`);
    assert.equal(none.json().code, 'UNAUTHENTICATED');
    const wrong = await t.app.inject({ method, url, headers: { authorization: 'Bearer att_not-a-real-token' }, payload: method === 'POST' ? {} : undefined });
    assert.equal(wrong.statusCode, 401, `${r.method} ${r.url} with unknown token`);
    const weak = await t.app.inject({ method, url, headers: { authorization: `Bearer ${lacking[r.scope]}` }, payload: method === 'POST' ? {} : undefined });
    assert.equal(weak.statusCode, 403, `${r.method} ${r.url} without scope ${r.scope}: ${weak.body}`);
    assert.equal(weak.json().code, 'FORBIDDEN');
    // The HEAD route Fastify adds for a GET is guarded as well.
    if (method === 'GET') assert.equal((await t.app.inject({ method: 'HEAD', url })).statusCode, 401, `HEAD ${r.url} without token`);
  }
});
