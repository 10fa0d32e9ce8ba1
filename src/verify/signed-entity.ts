import type { Bundle } from '@sigstore/bundle';
import { crypto as sigCrypto, dsse } from '@sigstore/core';
import { toSignedEntity, type SignedEntity } from '@sigstore/verify';
import { memoizeEncodings } from './cert-cache.ts';
import { VerifyError } from './error.ts';

/**
 * toSignedEntity plus one fix: a DSSE envelope logged to Rekor v2 as
 * `hashedrekord` ("hashedrekord-over-DSSE", rekor-v2 spec §6.1.4) has
 * Hash(PAE(payloadType, payload)) in the log entry, while sigstore-js 3.1.1
 * compares the entry's digest with Hash(payload) and so rejects valid
 * bundles. When every tlog entry is a hashedrekord, the digest the entries
 * must carry is the PAE hash, and only that.
 */
function leafBytes(bundle: Bundle): Buffer | undefined {
  const vm = bundle.verificationMaterial.content;
  if (vm.$case === 'certificate') return Buffer.from(vm.certificate.rawBytes);
  if (vm.$case === 'x509CertificateChain') {
    const first = vm.x509CertificateChain.certificates[0];
    return first ? Buffer.from(first.rawBytes) : undefined;
  }
  return undefined;
}

export function toEntity(bundle: Bundle, artifact: Buffer | undefined): SignedEntity {
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle, artifact);
  } catch (cause) {
    throw new VerifyError('MALFORMED_BUNDLE', 'cannot read the bundle verification material', { pointer: '/verificationMaterial', cause });
  }
  if (entity.key.$case === 'certificate') memoizeEncodings(entity.key.certificate, leafBytes(bundle));
  const content = bundle.content;
  const entries = bundle.verificationMaterial.tlogEntries;
  if (content.$case !== 'dsseEnvelope' || entries.length === 0 || !entries.every((e) => e.kindVersion?.kind === 'hashedrekord')) {
    return entity;
  }
  const env = content.dsseEnvelope;
  const paeDigest = sigCrypto.digest('sha256', dsse.preAuthEncoding(env.payloadType, env.payload));
  const inner = entity.signature;
  return {
    ...entity,
    signature: {
      signature: inner.signature,
      compareSignature: (sig) => inner.compareSignature(sig),
      compareDigest: (digest) => sigCrypto.bufferEqual(digest, paeDigest),
      verifySignature: (key) => inner.verifySignature(key),
    },
  };
}
