// Request logging as the served process does it (a real pino logger at info): the decision route
// logs only warnings and errors, other routes log each request, and every line carries the
// request id that the response's x-request-id header gives.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { buildApp } from '../../src/app.ts';
import { ADMIN_TOKEN, freshDatabase } from '../helpers/app.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

const chunks: string[] = [];
const stream = new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
const db = await freshDatabase();
// An empty policy directory: every decision is 503 POLICY_UNAVAILABLE, an error the route must log.
const policyDir = scratchDir('attestant-logging-policy-');
const app = await buildApp({ config: loadConfig({ ATTESTANT_ADMIN_TOKEN: ADMIN_TOKEN, ATTESTANT_POLICY_DIR: policyDir }), db, logger: { level: 'info', stream } });
after(() => app.close());
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

function linesFor(reqId: string): Array<{ level: number; msg: string; reqId: string }> {
  return chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; reqId: string }).filter((l) => l.reqId === reqId);
}

test('an ordinary route logs the request and its completion at info, under the request id', async () => {
  const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'log-health-1' } });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(linesFor('log-health-1').map((l) => [l.level, l.msg]), [[30, 'incoming request'], [30, 'request completed']]);
});

test('the decision route writes no info lines, neither for the request nor for a rejected body', async () => {
  const bad = await app.inject({ method: 'POST', url: '/v1/decisions', headers: { ...auth, 'x-request-id': 'log-decide-bad' }, payload: { artifact: 'nope', environment: 'prod' } });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(linesFor('log-decide-bad'), []);
});

test('the decision route still logs its errors, with the request id', async () => {
  const res = await app.inject({ method: 'POST', url: '/v1/decisions', headers: { ...auth, 'x-request-id': 'log-decide-503' }, payload: { artifact: `sha256:${'ab'.repeat(32)}`, environment: 'prod' } });
  assert.equal(res.statusCode, 503);
  assert.equal(res.json().code, 'POLICY_UNAVAILABLE');
  const lines = linesFor('log-decide-503');
  assert.ok(lines.length >= 1, 'the 503 is logged');
  assert.ok(lines.every((l) => l.level >= 40), 'only warnings and errors');
  assert.ok(lines.some((l) => l.level === 50 && /POLICY_UNAVAILABLE/.test(l.msg)), JSON.stringify(lines));
});

test('both admission routes (environment in the query or in the path) write no info lines either', async () => {
  const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u-1', operation: 'DELETE', kind: { group: '', version: 'v1', kind: 'Pod' }, namespace: 'default' } };
  for (const [url, id] of [['/v1/admission?environment=prod', 'log-admit-query'], ['/v1/admission/prod', 'log-admit-path']] as const) {
    const res = await app.inject({ method: 'POST', url, headers: { ...auth, 'x-request-id': id }, payload: review });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().response.uid, 'u-1');
    assert.deepEqual(linesFor(id), [], url);
  }
});
