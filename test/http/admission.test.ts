// Kubernetes admission through the real route, with AdmissionReview JSON written from the API
// reference (test/fixtures/admission): a Deployment with two containers and an init container.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { testApp } from '../helpers/app.ts';
import { policyDir, SLSA_PRODUCTION } from '../helpers/policies.ts';

const { dir } = policyDir(SLSA_PRODUCTION);
const t = await testApp({ policyDir: dir, namespaceEnvironments: { payments: 'prod' } });
const fixture = (n: string) => JSON.parse(readFileSync(new URL(`../fixtures/admission/${n}`, import.meta.url), 'utf8'));

// Evidence for two of the Deployment's three images: the real SLSA bundles.
for (const p of ['gha_generic-v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl', 'gha_container-based-v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.build.slsa']) {
  const r = await t.app.inject({ method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' }, payload: readFileSync(new URL(`../fixtures/slsa/${p}`, import.meta.url)) });
  assert.equal(r.statusCode, 201, r.body);
}

test('a Deployment with one unproven image is denied, naming that image; uid is echoed', async () => {
  const review = fixture('deployment-create.json');
  const res = await t.app.inject({ method: 'POST', url: '/v1/admission?environment=prod', headers: t.auth(), payload: review });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.apiVersion, 'admission.k8s.io/v1');
  assert.equal(body.kind, 'AdmissionReview');
  assert.equal(body.response.uid, review.request.uid);
  assert.equal(body.response.allowed, false);
  assert.equal(body.response.status.code, 403);
  const images: string[] = [
    ...review.request.object.spec.template.spec.containers.map((c: { image: string }) => c.image),
    ...review.request.object.spec.template.spec.initContainers.map((c: { image: string }) => c.image),
  ];
  const proven = new Set(['sha256:376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa', 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']);
  const unproven = images.filter((i) => !proven.has(i.slice(i.indexOf('@') + 1)));
  assert.equal(unproven.length, 1, `fixture has exactly one image without evidence: ${images.join(', ')}`);
  assert.match(body.response.status.message, new RegExp(unproven[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  for (const p of images.filter((i) => !unproven.includes(i))) assert.doesNotMatch(body.response.status.message, new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});

test('the environment can come from the path or the namespace map', async () => {
  const review = fixture('deployment-create.json');
  const byPath = await t.app.inject({ method: 'POST', url: '/v1/admission/prod', headers: t.auth(), payload: review });
  assert.equal(byPath.json().response.allowed, false);
  const unmapped = await t.app.inject({ method: 'POST', url: '/v1/admission', headers: t.auth(), payload: { ...review, request: { ...review.request, namespace: 'nowhere' } } });
  assert.equal(unmapped.json().response.allowed, false);
  assert.match(unmapped.json().response.status.message, /no environment/);
});

test('a tag-only image is denied without calling any registry', async () => {
  const review = fixture('pod-tag-only.json');
  const res = await t.app.inject({ method: 'POST', url: '/v1/admission?environment=prod', headers: t.auth(), payload: review });
  assert.equal(res.json().response.allowed, false);
  assert.match(res.json().response.status.message, /no digest/);
});

test('malformed reviews are 400 problems with a pointer', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/admission?environment=prod', headers: t.auth(), payload: fixture('invalid-missing-uid.json') });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'ADMISSION_INVALID');
  assert.equal(res.json().pointer, '/request/uid');
});

test('each image decision is durably recorded', async () => {
  const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM decision');
  assert.ok(rows[0].n >= 2);
});

test('an UPDATE that keeps its images (scaling) is allowed even if the image is denied now; one that changes an image is decided', async () => {
  const review = fixture('statefulset-update.json');
  review.request.dryRun = false;
  // An image no evidence allows (the fixture's own new image is one the SLSA bundles above prove).
  const denied = `docker.io/library/postgres:17.3@sha256:${'ab'.repeat(32)}`;
  review.request.object.spec.template.spec.containers[0].image = denied;
  // Scaling: the running image, which no evidence allows, stays as it is.
  const scale = structuredClone(review);
  scale.request.oldObject.spec.template.spec.containers[0].image = denied;
  scale.request.object.spec.replicas = 7;
  const before = (await t.db.pool.query("SELECT count(*)::int AS n FROM audit_event WHERE kind = 'decision'")).rows[0].n;
  const scaled = (await t.app.inject({ method: 'POST', url: '/v1/admission/prod', headers: t.auth(), payload: scale })).json();
  assert.equal(scaled.response.allowed, true, JSON.stringify(scaled.response));
  assert.deepEqual(scaled.response.warnings, ['1 image(s) unchanged by this update: not checked again']);
  assert.equal((await t.db.pool.query("SELECT count(*)::int AS n FROM audit_event WHERE kind = 'decision'")).rows[0].n, before, 'nothing was decided');
  // The fixture's update, from postgres:17.1 to that image: decided, and denied.
  const changed = (await t.app.inject({ method: 'POST', url: '/v1/admission/prod', headers: t.auth(), payload: review })).json();
  assert.equal(changed.response.allowed, false);
  assert.match(changed.response.status.message, /postgres:17\.3@sha256:abab/);
});
