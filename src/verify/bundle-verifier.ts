import { type Bundle, type TransparencyLogEntry } from '@sigstore/bundle';
import { crypto as sigCrypto, RFC3161Timestamp, type X509Certificate } from '@sigstore/core';
import { Verifier, type KeyFinderFunc, type SignedEntity, type TrustMaterial } from '@sigstore/verify';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { createHash, type KeyObject } from 'node:crypto';
import { toBundle } from './bundle.ts';
import { toVerifyError, VerifyError } from './error.ts';
import { toSha256Hex, verifySubject, type ArtifactInput } from './intoto.ts';
import { findKey, toPreparedKey, type PreparedKey } from './keys.ts';
import { verifyPrehashed } from './prehash.ts';
import { toEntity } from './signed-entity.ts';
import { toKeylessSigner, type Signer } from './signer.ts';
import type { Trust } from './trust.ts';
import { prepareRoot, type PreparedRoot } from './trusted-root.ts';
import type { Expectation, Verified } from './verified.ts';

export interface VerifyOptions {
  /** The artifact: bytes, or `{ digest: 'sha256:<hex>' }`. */
  artifact?: ArtifactInput;
  expect?: Expectation;
  /** Verify against this trusted_root.json only (the conformance `--trusted-root`). */
  trustedRootJson?: unknown;
}

// protobuf-specs HashAlgorithm → node hash name
const HASH_NAMES: Partial<Record<number, string>> = { [HashAlgorithm.SHA2_256]: 'sha256', [HashAlgorithm.SHA2_384]: 'sha384', [HashAlgorithm.SHA2_512]: 'sha512' };

// Prepared roots for `trustedRootJson`, keyed by the caller's object so a
// caller passing the same document repeatedly pays the preparation once.
const adHocRoots = new WeakMap<object, PreparedRoot>();
// Keys passed inline as PEM (conformance `--key`), prepared once per PEM.
const adHocKeys = new Map<string, PreparedKey>();

function rootsFor(trust: Trust, opts: VerifyOptions): readonly PreparedRoot[] {
  const json = opts.trustedRootJson;
  if (json === undefined) return trust.preparedRoots;
  if (typeof json !== 'object' || json === null) return [prepareRoot('trusted-root', json)];
  let root = adHocRoots.get(json);
  if (!root) {
    root = prepareRoot('trusted-root', json);
    adHocRoots.set(json, root);
  }
  return [root];
}

function inlineKey(pem: string): PreparedKey {
  let key = adHocKeys.get(pem);
  if (!key) {
    key = toPreparedKey('inline', pem);
    if (adHocKeys.size > 64) adHocKeys.clear();
    adHocKeys.set(pem, key);
  }
  return key;
}

/** Picks the configured key a keyed bundle must verify with. */
function resolveKey(trust: Trust, hint: string, expect: Expectation | undefined): PreparedKey {
  let key: PreparedKey | undefined;
  if (expect && 'publicKeyPem' in expect) key = inlineKey(expect.publicKeyPem);
  else if (expect && 'keyName' in expect) key = trust.preparedKeys.find((k) => k.name === expect.keyName);
  else if (expect) throw new VerifyError('IDENTITY_MISMATCH', 'expected a keyless signer, bundle is signed with a key', { pointer: '/verificationMaterial/publicKey' });
  else key = findKey(trust.preparedKeys, hint);
  if (!key) throw new VerifyError('UNKNOWN_KEY', `no configured key for hint ${JSON.stringify(hint)}`, { pointer: '/verificationMaterial/publicKey/hint' });
  return key;
}

function fixedKeyFinder(key: KeyObject): KeyFinderFunc {
  return () => ({ publicKey: key, validFor: () => true });
}

const noKeys: KeyFinderFunc = (hint) => {
  throw new VerifyError('UNKNOWN_KEY', `no configured key for hint ${JSON.stringify(hint)}`);
};

const EMPTY_MATERIAL: TrustMaterial = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [], publicKey: noKeys };

/** Did this root vouch for the signer at all (the leaf is signed by one of its CAs / the log is one of its logs)? */
function rootChains(root: PreparedRoot, entity: SignedEntity): boolean {
  if (entity.key.$case === 'certificate') {
    const leaf = entity.key.certificate;
    return root.caCerts.some((ca) => {
      try {
        return leaf.verify(ca);
      } catch {
        return false;
      }
    });
  }
  return entity.tlogEntries.every((e) => root.logIds.has(Buffer.from(e.logId?.keyId ?? []).toString('base64')));
}

/**
 * Picks the root cause where sigstore-js reports a consequence.
 *
 * The tlog body check runs before the signature check in Verifier.verify, so
 * a bundle whose signature was altered fails as TLOG_BODY_ERROR. When the
 * signature itself does not verify, that is the root cause: report it.
 */
function refine(err: VerifyError, entity: SignedEntity, key: KeyObject | undefined): VerifyError {
  // No timestamp because there is no log entry at all: the missing log entry is the problem.
  if (err.code === 'VERIFY_TIMESTAMP' && entity.tlogEntries.length === 0) {
    return new VerifyError('VERIFY_TLOG', 'no transparency log entry', { pointer: '/verificationMaterial/tlogEntries', cause: err });
  }
  if (err.code === 'VERIFY_TLOG' && (err.cause as { code?: string } | undefined)?.code === 'TLOG_BODY_ERROR' && key) {
    if (!entity.signature.verifySignature(key)) return new VerifyError('VERIFY_SIGNATURE', 'signature does not verify', { pointer: '/signature', cause: err });
  }
  return err;
}

function tlogFacts(entries: readonly TransparencyLogEntry[]): Verified['tlog'] {
  const e = entries[0];
  if (!e) return undefined;
  const tlog: NonNullable<Verified['tlog']> = { logIndex: e.logIndex };
  if (e.integratedTime && e.integratedTime !== '0') tlog.integratedTime = new Date(Number(e.integratedTime) * 1000);
  if (e.logId) tlog.logId = Buffer.from(e.logId.keyId).toString('base64');
  return tlog;
}

function tsaTime(bundle: Bundle): Date | undefined {
  const ts = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps[0];
  return ts ? RFC3161Timestamp.parse(Buffer.from(ts.signedTimestamp)).signingTime : undefined;
}

function checkIdentity(signer: Signer, expect: Expectation | undefined): void {
  if (!expect) return;
  if (!('identity' in expect)) {
    if (signer.kind !== 'key') throw new VerifyError('IDENTITY_MISMATCH', 'expected a key signer, bundle is keyless', { pointer: '/verificationMaterial' });
    return;
  }
  const id = signer.identity;
  const idOk = id !== undefined && (typeof expect.identity === 'string' ? id === expect.identity : expect.identity.test(id));
  if (!idOk) throw new VerifyError('IDENTITY_MISMATCH', `certificate identity ${String(id)} does not match`, { pointer: '/verificationMaterial/certificate' });
  if (signer.issuer !== expect.issuer) throw new VerifyError('IDENTITY_MISMATCH', `certificate issuer ${String(signer.issuer)} does not match`, { pointer: '/verificationMaterial/certificate' });
}

/**
 * Verifies a Sigstore bundle (v0.1, v0.2, v0.3; DSSE or message signature)
 * against the trust, synchronously and without I/O.
 *
 * Keyless: the leaf must chain to a CA of some configured root, with an SCT
 * when that root has CT logs, a tlog entry of that root's logs and a
 * timestamp inside the certificate's validity. Every root is tried; when none
 * chains the answer is UNTRUSTED_ROOT, otherwise the error of the first root
 * that chained.
 *
 * Keyed (publicKey hint): the key named by `expect`, or else the configured
 * key whose name or key id equals the hint (UNKNOWN_KEY otherwise). A key is
 * trusted directly, like for a bare DSSE envelope, so tlog entries and
 * timestamps are verified when present but not required.
 *
 * Artifact binding: DSSE → an in-toto subject digest must equal the
 * artifact's (SUBJECT_MISMATCH). Message signature → the bundle's message
 * digest must equal the artifact's (SUBJECT_MISMATCH), then the signature is
 * verified over the artifact bytes — or, given only `{ digest }`, over the
 * digest (prehash.ts: ECDSA P-256/P-384 and RSA; Ed25519 cannot). A message
 * signature without any artifact binds nothing: SUBJECT_MISMATCH.
 *
 * The order of checks is sigstore-js's (timestamps, signing key, tlog,
 * signature), then identity, then the artifact; refine() reports the root
 * cause where sigstore-js reports a consequence.
 */
export function verifyBundle(trust: Trust, input: unknown, opts: VerifyOptions = {}): Verified {
  // @sigstore/core's ASN.1 parser probes every OCTET STRING for nested structure and throws (and
  // catches) an ASN1ParseError when there is none: ~10 % of verification time went to capturing
  // those errors' stack traces. Verification is synchronous, so switching stack capture off for
  // its duration affects nothing else; our own errors are coded and need no stack.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return verifyBundleUnwound(trust, input, opts);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function verifyBundleUnwound(trust: Trust, input: unknown, opts: VerifyOptions): Verified {
  const bundle = toBundle(input);
  const roots = rootsFor(trust, opts);
  const content = bundle.content;

  let artifactBytes: Buffer | undefined;
  let messageDigest: string | undefined;
  if (content.$case === 'messageSignature') {
    const md = content.messageSignature.messageDigest;
    if (opts.artifact === undefined) throw new VerifyError('SUBJECT_MISMATCH', 'a message signature needs the artifact', { pointer: '/messageSignature' });
    if (md) {
      const alg = HASH_NAMES[md.algorithm];
      if (!alg) throw new VerifyError('MALFORMED_BUNDLE', `unsupported message digest algorithm ${md.algorithm}`, { pointer: '/messageSignature/messageDigest/algorithm' });
      messageDigest = `${alg}:${Buffer.from(md.digest).toString('hex')}`;
      const given = Buffer.isBuffer(opts.artifact) ? `${alg}:${createHash(alg).update(opts.artifact).digest('hex')}` : opts.artifact.digest.toLowerCase();
      if (given !== messageDigest) {
        throw new VerifyError('SUBJECT_MISMATCH', 'artifact digest differs from the signed message digest', { pointer: '/messageSignature/messageDigest' });
      }
    }
    if (Buffer.isBuffer(opts.artifact)) artifactBytes = opts.artifact;
  }

  let entity = toEntity(bundle, artifactBytes);
  if (content.$case === 'messageSignature' && artifactBytes === undefined) {
    // Digest only (conformance `sha256:<hex>`): the digest was matched above;
    // check the signature over it (prehash.ts; not possible for Ed25519).
    const digest = Buffer.from(toSha256Hex(opts.artifact as ArtifactInput), 'hex');
    const inner = entity.signature;
    entity = {
      ...entity,
      signature: {
        signature: inner.signature,
        compareSignature: (sig) => inner.compareSignature(sig),
        compareDigest: (d) => inner.compareDigest(d),
        verifySignature: (key) => verifyPrehashed(key, digest, inner.signature),
      },
    };
  }

  let signer: Signer;
  if (entity.key.$case === 'public-key') {
    const key = resolveKey(trust, entity.key.hint, opts.expect);
    const hasTlog = entity.tlogEntries.length > 0;
    const candidates = hasTlog ? roots : [undefined];
    let verifiedRoot: PreparedRoot | undefined;
    let firstChainedError: VerifyError | undefined;
    let ok = false;
    for (const root of candidates) {
      const material: TrustMaterial = { ...(root?.material ?? EMPTY_MATERIAL), publicKey: fixedKeyFinder(key.key) };
      const verifier = new Verifier(material, {
        tlogThreshold: hasTlog ? 1 : 0,
        timestampThreshold: entity.timestamps.length > 0 ? 1 : 0,
        ctlogThreshold: 0,
      });
      try {
        verifier.verify(entity);
        verifiedRoot = root;
        ok = true;
        break;
      } catch (err) {
        if (!root || rootChains(root, entity)) firstChainedError ??= refine(toVerifyError(err), entity, key.key);
      }
    }
    if (!ok) throw firstChainedError ?? new VerifyError('UNTRUSTED_ROOT', 'no trusted root has the transparency log of this bundle', { pointer: '/verificationMaterial/tlogEntries' });
    signer = { kind: 'key', keyName: key.name, keyId: key.keyIdB64 };
    if (verifiedRoot) signer.trustedRoot = verifiedRoot.name;
  } else {
    const leaf: X509Certificate = entity.key.certificate;
    if (opts.expect && !('identity' in opts.expect)) {
      throw new VerifyError('IDENTITY_MISMATCH', 'expected a key signer, bundle is keyless', { pointer: '/verificationMaterial' });
    }
    let verifiedRoot: PreparedRoot | undefined;
    let firstChainedError: VerifyError | undefined;
    // RFC 5280 §6.1.3 (a)(4) name chaining: a root with no CA certificate
    // whose subject is the leaf's issuer cannot chain; skip it cheaply.
    const issuer = leaf.issuer;
    for (const root of roots.filter((r) => r.caSubjects.some((s) => s.equals(issuer)))) {
      const verifier = new Verifier(
        { ...root.material, publicKey: noKeys },
        { ctlogThreshold: root.hasCtlogs ? 1 : 0, tlogThreshold: 1, timestampThreshold: 1 },
      );
      try {
        verifier.verify(entity);
        verifiedRoot = root;
        break;
      } catch (err) {
        if (rootChains(root, entity)) {
          let leafKey: KeyObject | undefined;
          try {
            leafKey = sigCrypto.createPublicKey(leaf.publicKey);
          } catch {
            leafKey = undefined;
          }
          firstChainedError ??= refine(toVerifyError(err), entity, leafKey);
        }
      }
    }
    if (!verifiedRoot) {
      throw firstChainedError ?? new VerifyError('UNTRUSTED_ROOT', 'the signing certificate does not chain to any trusted root', { pointer: '/verificationMaterial/certificate' });
    }
    signer = toKeylessSigner(leaf, verifiedRoot.name);
  }

  checkIdentity(signer, opts.expect);

  const verified: Verified = { envelope: content.$case === 'dsseEnvelope' ? 'dsse' : 'message-signature', signer };
  if (content.$case === 'dsseEnvelope') {
    const env = content.dsseEnvelope;
    const payload = Buffer.from(env.payload);
    if (opts.artifact !== undefined) verifySubject(env.payloadType, payload, opts.artifact);
    verified.payloadType = env.payloadType;
    verified.payload = payload;
  } else if (messageDigest !== undefined) {
    verified.messageDigest = messageDigest;
  }
  const tlog = tlogFacts(bundle.verificationMaterial.tlogEntries);
  if (tlog) verified.tlog = tlog;
  const tsa = tsaTime(bundle);
  if (tsa) verified.tsaTime = tsa;
  return verified;
}
