import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { VerifyError } from './error.ts';

export interface PreparedKey {
  readonly name: string;
  readonly key: KeyObject;
  /** base64(sha256(SPKI DER)): the form Sigstore clients put in the bundle's `publicKey.hint`. */
  readonly keyIdB64: string;
  /** hex(sha256(SPKI DER)). */
  readonly keyIdHex: string;
}

const SUPPORTED = new Set(['ec', 'ed25519', 'rsa', 'rsa-pss']);

/** Parses a PEM public key once; throws TRUST_CONFIG_INVALID for anything we cannot verify with. */
export function toPreparedKey(name: string, pem: string): PreparedKey {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (cause) {
    throw new VerifyError('TRUST_CONFIG_INVALID', `key ${name}: not a PEM public key`, { pointer: `/keys/${name}`, cause });
  }
  if (key.type !== 'public' || !SUPPORTED.has(key.asymmetricKeyType ?? '')) {
    throw new VerifyError('TRUST_CONFIG_INVALID', `key ${name}: unsupported key type ${key.asymmetricKeyType}`, { pointer: `/keys/${name}` });
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== 'prime256v1' && curve !== 'secp384r1' && curve !== 'secp521r1') {
      throw new VerifyError('TRUST_CONFIG_INVALID', `key ${name}: unsupported curve ${curve}`, { pointer: `/keys/${name}` });
    }
  }
  const der = key.export({ format: 'der', type: 'spki' });
  const digest = createHash('sha256').update(der).digest();
  return { name, key, keyIdB64: digest.toString('base64'), keyIdHex: digest.toString('hex') };
}

/** Finds a configured key by name, base64 key id or hex key id. */
export function findKey(keys: readonly PreparedKey[], hint: string): PreparedKey | undefined {
  return keys.find((k) => k.name === hint || k.keyIdB64 === hint || k.keyIdHex === hint.toLowerCase());
}
