import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyError, VerificationError } from '@sigstore/verify';
import { toVerifyError, VerifyError } from './error.ts';

test('sigstore-js codes map onto ours', () => {
  const cases: Array<[string, string]> = [
    ['CERTIFICATE_ERROR', 'VERIFY_CERTIFICATE'],
    ['PUBLIC_KEY_ERROR', 'UNKNOWN_KEY'],
    ['SIGNATURE_ERROR', 'VERIFY_SIGNATURE'],
    ['TIMESTAMP_ERROR', 'VERIFY_TIMESTAMP'],
    ['TLOG_BODY_ERROR', 'VERIFY_TLOG'],
    ['TLOG_ERROR', 'VERIFY_TLOG'],
    ['TLOG_INCLUSION_PROMISE_ERROR', 'VERIFY_TLOG'],
    ['TLOG_INCLUSION_PROOF_ERROR', 'VERIFY_TLOG'],
    ['TLOG_MISSING_INCLUSION_ERROR', 'VERIFY_TLOG'],
  ];
  for (const [theirs, ours] of cases) {
    const e = toVerifyError(new VerificationError({ code: theirs as never, message: 'x' }));
    assert.equal(e.code, ours, theirs);
    assert.equal((e.cause as { code: string }).code, theirs);
  }
  assert.equal(toVerifyError(new PolicyError({ code: 'UNTRUSTED_SIGNER_ERROR', message: 'x' })).code, 'IDENTITY_MISMATCH');
});

test('unknown errors take the fallback code; VerifyError passes through', () => {
  assert.equal(toVerifyError(new Error('boom')).code, 'VERIFY_SIGNATURE');
  assert.equal(toVerifyError('boom', 'MALFORMED_BUNDLE').code, 'MALFORMED_BUNDLE');
  const mine = new VerifyError('UNTRUSTED_ROOT', 'x', { pointer: '/a' });
  assert.equal(toVerifyError(mine), mine);
  assert.equal(mine.pointer, '/a');
  assert.ok(mine instanceof Error);
});
