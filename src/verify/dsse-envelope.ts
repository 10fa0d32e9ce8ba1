import { dsse } from '@sigstore/core';
import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { VerifyError } from './error.ts';
import { verifySubject, type ArtifactInput } from './intoto.ts';
import type { PreparedKey } from './keys.ts';
import type { Trust } from './trust.ts';
import type { Verified } from './verified.ts';

interface Envelope {
  payloadType: string;
  payload: Buffer;
  signatures: Array<{ keyid: string; sig: Buffer }>;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function b64(value: unknown, pointer: string): Buffer {
  if (typeof value !== 'string' || !BASE64.test(value)) throw new VerifyError('MALFORMED_BUNDLE', 'not base64', { pointer });
  return Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
}

/** https://github.com/secure-systems-lab/dsse/blob/master/envelope.md */
function toEnvelope(input: unknown): Envelope {
  let json = input;
  if (Buffer.isBuffer(input) || typeof input === 'string') {
    try {
      json = JSON.parse(input.toString('utf8'));
    } catch (cause) {
      throw new VerifyError('MALFORMED_BUNDLE', 'envelope is not JSON', { pointer: '', cause });
    }
  }
  const e = json as { payloadType?: unknown; payload?: unknown; signatures?: unknown } | null;
  if (typeof e !== 'object' || e === null) throw new VerifyError('MALFORMED_BUNDLE', 'envelope is not an object', { pointer: '' });
  if (typeof e.payloadType !== 'string') throw new VerifyError('MALFORMED_BUNDLE', 'payloadType missing', { pointer: '/payloadType' });
  if (!Array.isArray(e.signatures) || e.signatures.length === 0) throw new VerifyError('MALFORMED_BUNDLE', 'no signatures', { pointer: '/signatures' });
  const signatures = e.signatures.map((s: unknown, i) => {
    const sig = s as { keyid?: unknown; sig?: unknown } | null;
    if (typeof sig !== 'object' || sig === null) throw new VerifyError('MALFORMED_BUNDLE', 'signature is not an object', { pointer: `/signatures/${i}` });
    if (sig.keyid !== undefined && typeof sig.keyid !== 'string') throw new VerifyError('MALFORMED_BUNDLE', 'keyid is not a string', { pointer: `/signatures/${i}/keyid` });
    return { keyid: sig.keyid ?? '', sig: b64(sig.sig, `/signatures/${i}/sig`) };
  });
  return { payloadType: e.payloadType, payload: b64(e.payload, '/payload'), signatures };
}

/** The digest a key signs with, following Sigstore's PublicKeyDetails (P-256→SHA-256, P-384→SHA-384...). */
function digestFor(key: KeyObject): string | null {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return null;
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === 'secp384r1' ? 'sha384' : curve === 'secp521r1' ? 'sha512' : 'sha256';
    }
    default:
      return 'sha256';
  }
}

export function verifyWithKey(data: Buffer, key: KeyObject, sig: Buffer): boolean {
  try {
    return cryptoVerify(digestFor(key), data, key, sig);
  } catch {
    return false;
  }
}

/**
 * Verifies a bare DSSE envelope signed with a configured key. With `keyName`
 * only that key is tried; otherwise keys whose name or key id equals a
 * signature's `keyid` first, then every configured key (keyids are hints, not
 * authenticated; DSSE spec "keyid").
 */
export function verifyDsseEnvelope(trust: Trust, input: unknown, opts: { keyName?: string; artifact?: ArtifactInput } = {}): Verified {
  const env = toEnvelope(input);
  let keys: readonly PreparedKey[] = trust.preparedKeys;
  if (opts.keyName !== undefined) {
    const k = trust.preparedKeys.find((x) => x.name === opts.keyName);
    if (!k) throw new VerifyError('UNKNOWN_KEY', `no configured key named ${opts.keyName}`, { pointer: '/signatures' });
    keys = [k];
  }
  if (keys.length === 0) throw new VerifyError('UNKNOWN_KEY', 'no keys configured', { pointer: '/signatures' });
  const pae = dsse.preAuthEncoding(env.payloadType, env.payload);
  const matches = (k: PreparedKey, keyid: string): boolean => keyid !== '' && (k.name === keyid || k.keyIdB64 === keyid || k.keyIdHex === keyid.toLowerCase());
  let hintMatched = false;
  let found: PreparedKey | undefined;
  for (const s of env.signatures) {
    const hinted = keys.filter((k) => matches(k, s.keyid));
    if (hinted.length > 0) hintMatched = true;
    const order = [...hinted, ...keys.filter((k) => !hinted.includes(k))];
    found = order.find((k) => verifyWithKey(pae, k.key, s.sig));
    if (found) break;
  }
  if (!found) {
    const allHinted = env.signatures.every((s) => s.keyid !== '');
    throw allHinted && !hintMatched && opts.keyName === undefined
      ? new VerifyError('UNKNOWN_KEY', 'no configured key matches the envelope', { pointer: '/signatures' })
      : new VerifyError('VERIFY_SIGNATURE', 'no signature verifies', { pointer: '/signatures' });
  }
  if (opts.artifact !== undefined) verifySubject(env.payloadType, env.payload, opts.artifact);
  return {
    envelope: 'dsse',
    payloadType: env.payloadType,
    payload: env.payload,
    signer: { kind: 'key', keyName: found.name, keyId: found.keyIdB64 },
  };
}
