// Kubernetes calls admission webhooks over HTTPS only: TLS_CERT_FILE / TLS_KEY_FILE serve it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { freshDatabase } from '../helpers/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startServer } from '../../src/server.ts';

const dir = new URL('../fixtures/tls/', import.meta.url).pathname;

test('TLS_CERT_FILE and TLS_KEY_FILE serve HTTPS', async () => {
  const db = await freshDatabase();
  const server = await startServer(loadConfig({
    DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', ATTESTANT_ADMIN_TOKEN: 'att_tls-test', ATTESTANT_POLICY_DIR: '/nonexistent',
    TLS_CERT_FILE: `${dir}cert.pem`, TLS_KEY_FILE: `${dir}key.pem`,
  }));
  try {
    assert.match(server.url, /^https:\/\//);
    const body = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${server.url}/healthz`, { ca: readFileSync(`${dir}cert.pem`), servername: 'localhost' }, (res) => {
        let text = '';
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(body.status, 200);
    assert.deepEqual(JSON.parse(body.text), { status: 'ok' });
  } finally {
    await server.close();
  }
});

test('TLS_CERT_FILE without TLS_KEY_FILE is a configuration error', () => {
  assert.throws(() => loadConfig({ TLS_CERT_FILE: `${dir}cert.pem` }), /TLS_CERT_FILE and TLS_KEY_FILE/);
});
