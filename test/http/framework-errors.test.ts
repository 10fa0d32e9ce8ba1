// Requests refused before any route runs (by Node's HTTP parser or Fastify's router) are problems
// too, not Fastify's own JSON: same content type, a machine code, over a real socket.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { testApp } from '../helpers/app.ts';

const t = await testApp();
const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
const { port } = new URL(base);
after(() => t.app.close());

/** Writes raw bytes on a new connection and returns everything the server sent before closing. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(Number(port), '127.0.0.1', () => s.write(bytes));
    let out = '';
    s.on('data', (b) => { out += b; });
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

function parse(response: string): { status: number; contentType: string; body: Record<string, unknown> } {
  const [head, body] = response.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head ?? '')?.[1]);
  const contentType = /content-type: ([^\r\n]+)/i.exec(head ?? '')?.[1] ?? '';
  return { status, contentType, body: JSON.parse(body ?? '{}') };
}

test('a request that is not HTTP is a 400 problem', async () => {
  const r = parse(await raw('GARBAGE\r\n\r\n'));
  assert.equal(r.status, 400);
  assert.match(r.contentType, /^application\/problem\+json/);
  assert.equal(r.body.code, 'BAD_REQUEST');
});

test('headers over the limit are a 431 problem', async () => {
  const r = parse(await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
  assert.equal(r.status, 431);
  assert.match(r.contentType, /^application\/problem\+json/);
  assert.equal(r.body.code, 'HEADERS_TOO_LARGE');
});

test('a URL that does not decode, or a path parameter over the limit, is a problem', async () => {
  const bad = await fetch(`${base}/v1/artifacts/%zz`, { headers: t.auth() });
  assert.equal(bad.status, 400);
  assert.match(String(bad.headers.get('content-type')), /^application\/problem\+json/);
  assert.equal(((await bad.json()) as { code: string }).code, 'BAD_URL');
  const long = await fetch(`${base}/v1/artifacts/${'a'.repeat(600)}`, { headers: t.auth() });
  assert.equal(long.status, 414);
  assert.equal(((await long.json()) as { code: string }).code, 'URI_TOO_LONG');
});
