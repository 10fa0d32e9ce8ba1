import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DENIAL_MESSAGE_LENGTH, MAX_WARNING_LENGTH, MAX_WARNINGS, toAdmissionResponse, toDenialMessage } from './index.ts';

const UID = 'eb2e9b5b-dc69-4224-bee4-d8ffbbbf9768';

test('allow: uid echoed, AdmissionReview v1 envelope, no status', () => {
  assert.deepEqual(toAdmissionResponse(UID, { allowed: true }), {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: UID, allowed: true },
  });
});

test('allow ignores a message: the API server does not read status on allow', () => {
  const review = toAdmissionResponse(UID, { allowed: true, message: 'fine' });
  assert.equal(Object.hasOwn(review.response, 'status'), false);
});

test('deny: status 403 with the message', () => {
  const review = toAdmissionResponse(UID, { allowed: false, message: 'image "nginx:1.27" (container scratch): no digest' });
  assert.equal(review.apiVersion, 'admission.k8s.io/v1');
  assert.equal(review.kind, 'AdmissionReview');
  assert.equal(review.response.uid, UID);
  assert.equal(review.response.allowed, false);
  assert.deepEqual(review.response.status, { code: 403, message: 'image "nginx:1.27" (container scratch): no digest' });
});

test('deny without a message still says why', () => {
  for (const message of [undefined, '', '   ']) {
    const review = toAdmissionResponse(UID, message === undefined ? { allowed: false } : { allowed: false, message });
    assert.equal(review.response.status?.code, 403);
    assert.ok((review.response.status?.message.length ?? 0) > 0);
  }
});

test('the response survives JSON serialisation unchanged', () => {
  const review = toAdmissionResponse(UID, { allowed: false, message: 'no', warnings: ['w'] });
  assert.deepEqual(JSON.parse(JSON.stringify(review)), review);
});

test('toDenialMessage joins per-image reasons, human readable', () => {
  const message = toDenialMessage([
    { image: { image: 'nginx:1.27', container: 'web', containerKind: 'container' }, reason: 'image is not pinned by digest' },
    { image: { image: 'busybox:1.37', container: 'debugger', containerKind: 'ephemeralContainer' }, reason: 'no verified provenance' },
  ]);
  assert.equal(
    message,
    'image "nginx:1.27" (container web): image is not pinned by digest; ' +
      'image "busybox:1.37" (ephemeral container debugger): no verified provenance',
  );
});

test('toDenialMessage stays readable for a pod with hundreds of denied images, and says how many it left out', () => {
  const denials = Array.from({ length: 500 }, (_, i) => ({
    image: { image: `ghcr.io/x/img${i}@sha256:${'a'.repeat(64)}`, container: `c${i}`, containerKind: 'container' as const },
    reason: 'no verified SLSA provenance has this artifact as its subject; publish provenance from an allowed builder',
  }));
  const message = toDenialMessage(denials);
  assert.ok(message.length <= MAX_DENIAL_MESSAGE_LENGTH + 80, `length ${message.length}`);
  const shown = message.split('; image "').length;
  assert.ok(shown >= 10 && shown < 500, `images shown: ${shown}`);
  assert.ok(message.endsWith(`; and ${500 - shown} more images denied (each decision is in the audit log)`), message.slice(-120));
  // One denial longer than the cap is still given whole: the user must see at least one reason.
  const one = toDenialMessage([{ image: denials[0]!.image, reason: 'x'.repeat(MAX_DENIAL_MESSAGE_LENGTH + 10) }]);
  assert.ok(one.length > MAX_DENIAL_MESSAGE_LENGTH && !one.includes('more image'));
});

test('warnings: long ones truncated to under 120 characters with an ASCII ellipsis', () => {
  const long = `image ghcr.io/example/checkout@sha256:${'a'.repeat(64)} has an attestation that expires soon; renew it`;
  assert.ok(long.length > MAX_WARNING_LENGTH);
  const [warning] = toAdmissionResponse(UID, { allowed: true, warnings: [long] }).response.warnings ?? [];
  assert.ok(warning !== undefined);
  assert.ok(warning.length <= MAX_WARNING_LENGTH, `length ${warning.length}`);
  assert.ok(warning.length < 120);
  assert.equal(MAX_WARNING_LENGTH, 119);
  assert.ok(warning.endsWith('...'));
  assert.ok(long.startsWith(warning.slice(0, -3)));
});

test('warnings: short ones untouched; exactly 119 characters untouched', () => {
  const exact = 'x'.repeat(119);
  const warnings = toAdmissionResponse(UID, { allowed: true, warnings: ['no SBOM for image nginx:1.27', exact] }).response.warnings;
  assert.deepEqual(warnings, ['no SBOM for image nginx:1.27', exact]);
});

test('warnings: control characters and non-ASCII are neutralised; empties and duplicates dropped', () => {
  const warnings = toAdmissionResponse(UID, {
    allowed: true,
    warnings: ['line one\nline two\r\n\tend', 'caf\u00e9 \u2713 \u{1F680}', '\u0000\u0007', '', 'dup', 'dup'],
  }).response.warnings;
  assert.deepEqual(warnings, ['line one line two end', 'caf? ? ?', 'dup']);
  for (const w of warnings ?? []) assert.match(w, /^[\x20-\x7e]+$/);
});

test('warnings: no warnings → no warnings field', () => {
  assert.equal(Object.hasOwn(toAdmissionResponse(UID, { allowed: true, warnings: [] }).response, 'warnings'), false);
  assert.equal(Object.hasOwn(toAdmissionResponse(UID, { allowed: true, warnings: ['\n'] }).response, 'warnings'), false);
});

test('warnings: capped so the API server 4096-character budget is not exhausted', () => {
  const many = Array.from({ length: 50 }, (_, i) => `warning ${i}`);
  const warnings = toAdmissionResponse(UID, { allowed: true, warnings: many }).response.warnings ?? [];
  assert.equal(warnings.length, MAX_WARNINGS);
  assert.equal(warnings.at(-1), '31 more warnings omitted');
  assert.ok(warnings.join('').length < 4096);
});
