import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { VerifyError } from './error.ts';
import { findKey, toPreparedKey } from './keys.ts';

const pem = (k: { publicKey: { export(o: { format: 'pem'; type: 'spki' }): string | Buffer } }): string => k.publicKey.export({ format: 'pem', type: 'spki' }).toString();

test('accepts ECDSA P-256/P-384, Ed25519 and RSA public keys', () => {
  for (const k of [
    generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
    generateKeyPairSync('ec', { namedCurve: 'secp384r1' }),
    generateKeyPairSync('ed25519'),
    generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ]) {
    const prepared = toPreparedKey('k', pem(k));
    assert.match(prepared.keyIdB64, /^[A-Za-z0-9+/]{43}=$/);
    assert.match(prepared.keyIdHex, /^[0-9a-f]{64}$/);
  }
});

test('refuses garbage, private keys and unsupported curves → TRUST_CONFIG_INVALID', () => {
  const code = (p: string): string => {
    try {
      toPreparedKey('k', p);
      return 'OK';
    } catch (e) {
      assert.ok(e instanceof VerifyError);
      return e.code;
    }
  };
  assert.equal(code('not a key'), 'TRUST_CONFIG_INVALID');
  assert.equal(code(pem(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }))), 'TRUST_CONFIG_INVALID');
  assert.equal(code(pem(generateKeyPairSync('x25519'))), 'TRUST_CONFIG_INVALID');
});

test('findKey by name, base64 key id or hex key id', () => {
  const a = toPreparedKey('a', pem(generateKeyPairSync('ed25519')));
  const b = toPreparedKey('b', pem(generateKeyPairSync('ed25519')));
  assert.equal(findKey([a, b], 'b'), b);
  assert.equal(findKey([a, b], b.keyIdB64), b);
  assert.equal(findKey([a, b], b.keyIdHex.toUpperCase()), b);
  assert.equal(findKey([a, b], 'c'), undefined);
});
