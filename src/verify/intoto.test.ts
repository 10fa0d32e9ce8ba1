import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { IN_TOTO_PAYLOAD_TYPE, toSha256Hex, verifySubject } from './intoto.ts';
import { verifyCode as code } from './test-support.ts';

const artifact = Buffer.from('hello');
const hex = createHash('sha256').update(artifact).digest('hex');
const statement = (digests: unknown[]): Buffer => Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: digests.map((d) => ({ name: 'x', digest: d })) }));
test('toSha256Hex: bytes and sha256:<hex>, upper case normalized', () => {
  assert.equal(toSha256Hex(artifact), hex);
  assert.equal(toSha256Hex({ digest: `sha256:${hex.toUpperCase()}` }), hex);
  assert.equal(code(() => toSha256Hex({ digest: 'sha512:abcd' })), 'SUBJECT_MISMATCH');
});

test('in-toto: any subject may match; none → SUBJECT_MISMATCH', () => {
  assert.equal(code(() => verifySubject(IN_TOTO_PAYLOAD_TYPE, statement([{ sha256: 'f'.repeat(64) }, { sha256: hex }]), artifact)), 'OK');
  assert.equal(code(() => verifySubject(IN_TOTO_PAYLOAD_TYPE, statement([{ sha256: hex }]), { digest: `sha256:${hex}` })), 'OK');
  assert.equal(code(() => verifySubject(IN_TOTO_PAYLOAD_TYPE, statement([{ sha256: 'f'.repeat(64) }]), artifact)), 'SUBJECT_MISMATCH');
  assert.equal(code(() => verifySubject(IN_TOTO_PAYLOAD_TYPE, statement([{ sha512: 'ab' }]), artifact)), 'SUBJECT_MISMATCH');
});

test('in-toto payload that is not a statement → MALFORMED_BUNDLE', () => {
  assert.equal(code(() => verifySubject(IN_TOTO_PAYLOAD_TYPE, Buffer.from('{'), artifact)), 'MALFORMED_BUNDLE');
  assert.equal(code(() => verifySubject(IN_TOTO_PAYLOAD_TYPE, Buffer.from('{"subject":1}'), artifact)), 'MALFORMED_BUNDLE');
});

test('other payload types: the payload must be the artifact', () => {
  assert.equal(code(() => verifySubject('text/plain', artifact, artifact)), 'OK');
  assert.equal(code(() => verifySubject('text/plain', Buffer.from('other'), artifact)), 'SUBJECT_MISMATCH');
});
