import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { verifyPrehashed } from './prehash.ts';

const msg = Buffer.from('attestant prehash test');
const digest = createHash('sha256').update(msg).digest();

for (const namedCurve of ['prime256v1', 'secp384r1'] as const) {
  test(`ECDSA ${namedCurve}: accepts a real signature over the digest, rejects a flipped one`, () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve });
    const sig = sign('sha256', msg, privateKey);
    assert.equal(verifyPrehashed(publicKey, digest, sig), true);
    const bad = Buffer.from(digest);
    bad[0] = (bad[0] ?? 0) ^ 1;
    assert.equal(verifyPrehashed(publicKey, bad, sig), false);
  });
}

test('RSA PKCS#1 v1.5 prehash', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sig = sign('sha256', msg, privateKey);
  assert.equal(verifyPrehashed(publicKey, digest, sig), true);
  assert.equal(verifyPrehashed(publicKey, createHash('sha256').update('x').digest(), sig), false);
});

test('Ed25519 cannot be prehashed', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  assert.equal(verifyPrehashed(publicKey, digest, sign(null, msg, privateKey)), false);
});
