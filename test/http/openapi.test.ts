import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateOpenApiDocument, serialiseOpenApi } from '../../src/http/openapi-document.ts';
import { testApp } from '../helpers/app.ts';

test('openapi/openapi.json is what the route schemas generate (run `npm run openapi` after changing a route)', async () => {
  const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
  const generated = serialiseOpenApi(await generateOpenApiDocument());
  assert.equal(generated, committed);
});

test('the document is OpenAPI 3.1, served at /openapi.json, with Swagger UI at /docs', async () => {
  const t = await testApp();
  const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.equal(doc.openapi, '3.1.0');
  for (const p of ['/v1/sboms', '/v1/attestations', '/v1/verify', '/v1/decisions', '/v1/admission', '/v1/components/usage', '/v1/artifacts/{digest}', '/v1/deployments', '/v1/exceptions', '/v1/tokens']) {
    assert.ok(doc.paths[p], `${p} documented`);
  }
  const ui = await t.app.inject({ method: 'GET', url: '/docs/' });
  assert.ok([200, 302].includes(ui.statusCode));
});
