import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { X509Certificate } from '@sigstore/core';
import { memoizeEncodings } from './cert-cache.ts';

const FIX = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

test('cached encodings are byte-identical to re-serialized ones, and verify agrees', () => {
  const root = JSON.parse(readFileSync(`${FIX}private-sigstore/trusted_root.json`, 'utf8')) as { certificateAuthorities: Array<{ certChain: { certificates: Array<{ rawBytes: string }> } }> };
  const [interB64, rootB64] = root.certificateAuthorities[0]!.certChain.certificates.map((c) => c.rawBytes);
  const bundle = JSON.parse(readFileSync(`${FIX}private-sigstore/keyless-dsse.sigstore.json`, 'utf8')) as { verificationMaterial: { certificate: { rawBytes: string } } };
  const leafRaw = Buffer.from(bundle.verificationMaterial.certificate.rawBytes, 'base64');
  const plain = X509Certificate.parse(leafRaw);
  const cached = X509Certificate.parse(leafRaw);
  memoizeEncodings(cached, leafRaw);
  assert.ok(plain.root.toDER().equals(cached.root.toDER()));
  assert.ok(plain.tbsCertificate.toDER().equals(cached.tbsCertificate.toDER()));
  assert.ok(plain.publicKey.equals(cached.publicKey));
  const inter = X509Certificate.parse(Buffer.from(interB64 as string, 'base64'));
  const ca = X509Certificate.parse(Buffer.from(rootB64 as string, 'base64'));
  assert.equal(cached.verify(inter), plain.verify(inter));
  assert.equal(cached.verify(inter), true);
  assert.equal(cached.verify(ca), false);

  // Non-minimal DER (length 0x81 0x05 style) must not take the raw-bytes path.
  const other = X509Certificate.parse(leafRaw);
  memoizeEncodings(other, Buffer.concat([leafRaw, Buffer.from([0])]));
  assert.ok(other.root.toDER().equals(leafRaw));
});
