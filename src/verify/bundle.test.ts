import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBundle } from './bundle.ts';
import { VerifyError } from './error.ts';

const err = (input: unknown): VerifyError => {
  try {
    toBundle(input);
  } catch (e) {
    assert.ok(e instanceof VerifyError);
    return e;
  }
  assert.fail('parsed');
};

test('not JSON, not an object, unknown media type → MALFORMED_BUNDLE', () => {
  assert.equal(err(Buffer.from('{"mediaType":')).code, 'MALFORMED_BUNDLE');
  assert.equal(err('[]').code, 'MALFORMED_BUNDLE');
  assert.equal(err(42).code, 'MALFORMED_BUNDLE');
  const e = err({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.9+json' });
  assert.equal(e.code, 'MALFORMED_BUNDLE');
  assert.equal(e.pointer, '/mediaType');
});

test('schema violations → MALFORMED_BUNDLE with a pointer', () => {
  const e = err({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: {} });
  assert.equal(e.code, 'MALFORMED_BUNDLE');
  assert.equal(typeof e.pointer, 'string');
});
