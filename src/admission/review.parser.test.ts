import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AdmissionError, parseAdmissionReview } from './index.ts';

const DIGEST_A = 'sha256:376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa';
const DIGEST_B = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const DIGEST_C = 'sha256:5a5a13996437460ba90a5d0cdc86412fab809cb632239489a0f4e3a45c40a4cb';

function fixture(name: string): Record<string, any> {
  const url = new URL(`../../test/fixtures/admission/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, any>;
}

function assertInvalid(body: unknown, pointer: string): void {
  assert.throws(
    () => parseAdmissionReview(body),
    (error: unknown) => {
      assert.ok(error instanceof AdmissionError);
      assert.equal(error.code, 'ADMISSION_INVALID');
      assert.equal(error.pointer, pointer);
      return true;
    },
  );
}

/** Resolves an RFC 6901 pointer, to prove ImageRef.pointer really points at the image. */
function resolvePointer(root: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
}

test('Deployment CREATE: request facts', () => {
  const { request, note } = parseAdmissionReview(fixture('deployment-create.json'));
  assert.deepEqual(request, {
    uid: 'eb2e9b5b-dc69-4224-bee4-d8ffbbbf9768',
    kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
    namespace: 'payments',
    name: 'checkout',
    operation: 'CREATE',
    dryRun: false,
  });
  assert.equal(note, undefined);
});

test('Deployment CREATE: init container first, then both containers, with pointers and digests', () => {
  const body = fixture('deployment-create.json');
  const { images } = parseAdmissionReview(body);
  assert.deepEqual(images, [
    {
      image: `ghcr.io/example/checkout-migrations:2.4.1@${DIGEST_C}`,
      container: 'migrate',
      containerKind: 'initContainer',
      pointer: '/spec/template/spec/initContainers/0/image',
      digest: DIGEST_C,
    },
    {
      image: `ghcr.io/example/checkout:2.4.1@${DIGEST_A}`,
      container: 'checkout',
      containerKind: 'container',
      pointer: '/spec/template/spec/containers/0/image',
      digest: DIGEST_A,
    },
    {
      image: `docker.io/envoyproxy/envoy:v1.32.1@${DIGEST_B}`,
      container: 'envoy',
      containerKind: 'container',
      pointer: '/spec/template/spec/containers/1/image',
      digest: DIGEST_B,
    },
  ]);
  for (const ref of images) assert.equal(resolvePointer(body['request']['object'], ref.pointer), ref.image);
});

test('Pod ephemeralcontainers subresource (kubectl debug): ephemeral container is extracted', () => {
  const body = fixture('pod-ephemeral-container.json');
  const { request, images, note } = parseAdmissionReview(body);
  assert.equal(request.operation, 'UPDATE');
  assert.equal(request.subResource, 'ephemeralcontainers');
  assert.equal(note, undefined);
  assert.deepEqual(
    images.map((i) => [i.containerKind, i.container, i.pointer, i.digest]),
    [
      ['container', 'checkout', '/spec/containers/0/image', DIGEST_A],
      ['ephemeralContainer', 'debugger-8fj2p', '/spec/ephemeralContainers/0/image', undefined],
    ],
  );
  for (const ref of images) assert.equal(resolvePointer(body['request']['object'], ref.pointer), ref.image);
});

test('CronJob: images come from spec.jobTemplate.spec.template.spec; registry port is not a tag', () => {
  const { request, images } = parseAdmissionReview(fixture('cronjob-create.json'));
  assert.deepEqual(request.kind, { group: 'batch', version: 'v1', kind: 'CronJob' });
  assert.equal(images.length, 1);
  assert.equal(images[0]?.pointer, '/spec/jobTemplate/spec/template/spec/containers/0/image');
  assert.equal(images[0]?.image, `registry.example.com:5000/payments/ledger-tools@${DIGEST_A}`);
  assert.equal(images[0]?.digest, DIGEST_A);
});

test('StatefulSet UPDATE under server dry-run: images from the new object, dryRun surfaced', () => {
  const { request, images } = parseAdmissionReview(fixture('statefulset-update.json'));
  assert.equal(request.operation, 'UPDATE');
  assert.equal(request.dryRun, true);
  assert.deepEqual(
    images.map((i) => [i.image, i.pointer, i.digest]),
    [[`docker.io/library/postgres:17.2@${DIGEST_B}`, '/spec/template/spec/containers/0/image', DIGEST_B]],
  );
});

test('UPDATE: an image the old object already ran is marked unchanged; a new or changed one is not', () => {
  const review = fixture('statefulset-update.json');
  // The fixture changes postgres:17.1 to a pinned 17.2: a new image.
  assert.equal(parseAdmissionReview(review).images[0]?.unchanged, undefined);
  // Scaling the same StatefulSet: oldObject runs the very same reference.
  const scaled = structuredClone(review);
  scaled.request.oldObject.spec.template.spec.containers[0].image = scaled.request.object.spec.template.spec.containers[0].image;
  scaled.request.object.spec.replicas = 5;
  assert.equal(parseAdmissionReview(scaled).images[0]?.unchanged, true);
  // The same reference under CREATE is always checked, whatever oldObject says.
  const created = structuredClone(scaled);
  created.request.operation = 'CREATE';
  assert.equal(parseAdmissionReview(created).images[0]?.unchanged, undefined);
  // An oldObject we cannot read marks nothing unchanged: everything is checked.
  const unreadable = structuredClone(scaled);
  unreadable.request.oldObject = { spec: 'garbage' };
  assert.equal(parseAdmissionReview(unreadable).images[0]?.unchanged, undefined);
});

test('Pod with a tag-only image: no digest property at all', () => {
  const { images } = parseAdmissionReview(fixture('pod-tag-only.json'));
  assert.deepEqual(images, [
    { image: 'nginx:1.27', container: 'scratch', containerKind: 'container', pointer: '/spec/containers/0/image' },
  ]);
  assert.equal(Object.hasOwn(images[0] ?? {}, 'digest'), false);
});

test('every workload kind maps to its pod spec', () => {
  const cases: Array<[string, string, string[]]> = [
    ['', 'ReplicationController', ['spec', 'template', 'spec']],
    ['apps', 'DaemonSet', ['spec', 'template', 'spec']],
    ['apps', 'ReplicaSet', ['spec', 'template', 'spec']],
    ['batch', 'Job', ['spec', 'template', 'spec']],
  ];
  for (const [group, kind, path] of cases) {
    const body = fixture('pod-tag-only.json');
    body['request']['kind'] = { group, version: 'v1', kind };
    let spec: Record<string, unknown> = { containers: [{ name: 'app', image: 'app:1' }] };
    for (const key of [...path].reverse()) spec = { [key]: spec };
    body['request']['object'] = { apiVersion: group ? `${group}/v1` : 'v1', kind, ...spec };
    const { images } = parseAdmissionReview(body);
    assert.equal(images[0]?.pointer, `/${path.join('/')}/containers/0/image`, kind);
  }
});

test('DELETE: nothing to check, even though oldObject has images', () => {
  const { request, images, note } = parseAdmissionReview(fixture('pod-delete.json'));
  assert.equal(request.operation, 'DELETE');
  assert.deepEqual(images, []);
  assert.equal(note?.code, 'OPERATION_NOT_CHECKED');
});

test('CONNECT (exec): nothing to check', () => {
  const body = fixture('pod-tag-only.json');
  body['request']['operation'] = 'CONNECT';
  body['request']['subResource'] = 'exec';
  body['request']['kind'] = { group: '', version: 'v1', kind: 'PodExecOptions' };
  body['request']['object'] = { apiVersion: 'v1', kind: 'PodExecOptions', command: ['sh'] };
  const { images, note } = parseAdmissionReview(body);
  assert.deepEqual(images, []);
  assert.equal(note?.code, 'OPERATION_NOT_CHECKED');
});

test('unknown kind: no images, allowed through with a note', () => {
  const body = fixture('pod-tag-only.json');
  body['request']['kind'] = { group: '', version: 'v1', kind: 'ConfigMap' };
  body['request']['object'] = { apiVersion: 'v1', kind: 'ConfigMap', data: { image: 'evil:latest' } };
  const { images, note } = parseAdmissionReview(body);
  assert.deepEqual(images, []);
  assert.equal(note?.code, 'KIND_NOT_CHECKED');
});

test('a CRD named Deployment in another group is not a Deployment', () => {
  const body = fixture('deployment-create.json');
  body['request']['kind'] = { group: 'example.com', version: 'v1', kind: 'Deployment' };
  const { images, note } = parseAdmissionReview(body);
  assert.deepEqual(images, []);
  assert.equal(note?.code, 'KIND_NOT_CHECKED');
});

test('pods/status updates are never image-checked (the kubelet must not be blocked)', () => {
  const body = fixture('pod-tag-only.json');
  body['request']['operation'] = 'UPDATE';
  body['request']['subResource'] = 'status';
  const { images, note } = parseAdmissionReview(body);
  assert.deepEqual(images, []);
  assert.equal(note?.code, 'SUBRESOURCE_NOT_CHECKED');
});

test('generateName (empty name) and cluster scope (empty namespace) leave the fields absent', () => {
  const body = fixture('pod-tag-only.json');
  body['request']['name'] = '';
  delete body['request']['namespace'];
  const { request } = parseAdmissionReview(body);
  assert.equal(Object.hasOwn(request, 'name'), false);
  assert.equal(Object.hasOwn(request, 'namespace'), false);
});

test('malformed fixtures: missing uid, wrong apiVersion', () => {
  assertInvalid(fixture('invalid-missing-uid.json'), '/request/uid');
  assertInvalid(fixture('invalid-wrong-apiversion.json'), '/apiVersion');
});

test('malformed reviews are ADMISSION_INVALID with a pointer into the body', () => {
  const mutate = (f: (b: Record<string, any>) => void): Record<string, any> => {
    const body = fixture('deployment-create.json');
    f(body);
    return body;
  };
  assertInvalid(null, '');
  assertInvalid([], '');
  assertInvalid('{"apiVersion":"admission.k8s.io/v1"}', '');
  assertInvalid(mutate((b) => (b['kind'] = 'AdmissionResponse')), '/kind');
  assertInvalid(mutate((b) => delete b['request']), '/request');
  assertInvalid(mutate((b) => (b['request']['uid'] = '')), '/request/uid');
  assertInvalid(mutate((b) => (b['request']['uid'] = 42)), '/request/uid');
  assertInvalid(mutate((b) => delete b['request']['kind']), '/request/kind');
  assertInvalid(mutate((b) => (b['request']['kind']['group'] = null)), '/request/kind/group');
  assertInvalid(mutate((b) => (b['request']['operation'] = 'PATCH')), '/request/operation');
  assertInvalid(mutate((b) => (b['request']['namespace'] = 7)), '/request/namespace');
  assertInvalid(mutate((b) => (b['request']['dryRun'] = 'false')), '/request/dryRun');
  assertInvalid(mutate((b) => (b['request']['object'] = null)), '/request/object');
  assertInvalid(mutate((b) => delete b['request']['object']['spec']['template']), '/request/object/spec/template');
  assertInvalid(
    mutate((b) => (b['request']['object']['spec']['template']['spec']['containers'] = {})),
    '/request/object/spec/template/spec/containers',
  );
  assertInvalid(
    mutate((b) => delete b['request']['object']['spec']['template']['spec']['containers'][1]['image']),
    '/request/object/spec/template/spec/containers/1/image',
  );
  assertInvalid(
    mutate((b) => (b['request']['object']['spec']['template']['spec']['initContainers'][0]['name'] = '')),
    '/request/object/spec/template/spec/initContainers/0/name',
  );
});
