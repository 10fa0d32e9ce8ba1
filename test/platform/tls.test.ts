// Kubernetes calls admission webhooks over HTTPS only: TLS_CERT_FILE / TLS_KEY_FILE serve it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { freshDatabase } from '../helpers/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startServer } from '../../src/server.ts';
import { buildApp } from '../../src/app.ts';
import { readTlsMaterial } from '../../src/platform/tls-certificate.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

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

// A serving certificate rotates (cert-manager renews it and rewrites the mounted Secret): the new
// pair must be served without a restart, and a pair that is not one must never replace a good one.
const fixture = (name: string) => readFileSync(`${dir}${name}`);
const fingerprintOf = (pem: Buffer) => new X509Certificate(pem).fingerprint256;

function presentedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

async function servedApp(pollMs: number) {
  const db = await freshDatabase();
  const files = { certFile: join(scratchDir('attestant-tls-'), 'tls.crt'), keyFile: '' };
  files.keyFile = join(dirname(files.certFile), 'tls.key');
  writeFileSync(files.certFile, fixture('cert.pem'));
  writeFileSync(files.keyFile, fixture('key.pem'));
  const app = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent', ATTESTANT_ADMIN_TOKEN: 'att_tls-test', ATTESTANT_POLICY_DIR: '/nonexistent' }),
    db, logger: false, tls: { files, material: readTlsMaterial(files), pollMs },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return { app, files, port };
}

test('reload serves a renewed certificate; a pair that is not one is refused (422 TLS_INVALID) and the old one stays', async () => {
  const { app, files, port } = await servedApp(3_600_000);
  try {
    assert.equal(await presentedFingerprint(port), fingerprintOf(fixture('cert.pem')));
    writeFileSync(files.certFile, fixture('cert-renewed.pem'));
    writeFileSync(files.keyFile, fixture('key-renewed.pem'));
    const reload = await app.inject({ method: 'POST', url: '/v1/admin/reload', headers: { authorization: 'Bearer att_tls-test' } });
    assert.equal(reload.statusCode, 200, reload.body);
    assert.equal(reload.json().tls.fingerprint256, fingerprintOf(fixture('cert-renewed.pem')));
    assert.equal(await presentedFingerprint(port), fingerprintOf(fixture('cert-renewed.pem')));

    writeFileSync(files.keyFile, fixture('key.pem'));
    const refused = await app.inject({ method: 'POST', url: '/v1/admin/reload', headers: { authorization: 'Bearer att_tls-test' } });
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().code, 'TLS_INVALID');
    assert.match(refused.json().detail, /tls\.crt and TLS_KEY_FILE \S+tls\.key are not a usable pair/);
    assert.equal(await presentedFingerprint(port), fingerprintOf(fixture('cert-renewed.pem')), 'still the last good pair');
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /^attestant_tls_certificate_reloads_total\{result="served"\} 1$/m);
    assert.match(metrics, /^attestant_tls_certificate_reloads_total\{result="refused"\} 1$/m);
  } finally {
    await app.close();
  }
});

test('without a reload, a renewed certificate is picked up by the periodic check', async () => {
  const { app, files, port } = await servedApp(100);
  try {
    // Half a rotation (the certificate written, not yet its key) is not served.
    writeFileSync(files.certFile, fixture('cert-renewed.pem'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await presentedFingerprint(port), fingerprintOf(fixture('cert.pem')));
    writeFileSync(files.keyFile, fixture('key-renewed.pem'));
    let seen = '';
    for (let i = 0; i < 100 && seen !== fingerprintOf(fixture('cert-renewed.pem')); i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await presentedFingerprint(port);
    }
    assert.equal(seen, fingerprintOf(fixture('cert-renewed.pem')));
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /^attestant_tls_certificate_reloads_total\{result="served"\} 1$/m);
    assert.match(metrics, /^attestant_tls_certificate_reloads_total\{result="refused"\} 1$/m, 'the half rotation, reported once however many checks saw it');
  } finally {
    await app.close();
  }
});
