import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { memoizeAnchors } from './cert-cache.ts';
import { VerifyError } from './error.ts';

/** A trusted_root.json checked and turned into trust material once, at start-up. */
export interface PreparedRoot {
  readonly name: string;
  /** Trust material without a key finder (keys are bound per call). */
  readonly material: TrustMaterial;
  /** Every CA certificate of every certificate authority, used to tell "did not chain" from "chained, then failed". */
  readonly caCerts: readonly X509Certificate[];
  /** DER subjects of those CA certificates: a leaf whose issuer is none of them cannot chain here. */
  readonly caSubjects: readonly Buffer[];
  /** base64 log ids of the transparency logs. */
  readonly logIds: ReadonlySet<string>;
  readonly hasCtlogs: boolean;
}

const TRUSTED_ROOT_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.trustedroot(\+json;version=0\.[12]|\.v0\.[12]\+json)$/;

function invalid(name: string, pointer: string, message: string, cause?: unknown): VerifyError {
  return new VerifyError('TRUST_CONFIG_INVALID', `trusted root ${name}: ${message}`, { pointer: `${name}#${pointer}`, cause });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkDate(name: string, pointer: string, value: unknown, required: boolean): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw invalid(name, pointer, required ? 'missing or invalid validity start' : 'invalid date');
  }
}

/**
 * Sanity checks sigstore-js leaves out. Most important: a transparency log or
 * CT log key with no `validFor.start` would be treated by sigstore-js as valid
 * since 1970 (trust/index.js: BEGINNING_OF_TIME), which lets a key that was
 * added later vouch for entries "from before" it existed. The trusted root
 * spec (protobuf-specs sigstore_trustroot.proto, TransparencyLogInstance)
 * says the start is required, so we refuse such roots.
 */
function checkRootShape(name: string, json: unknown): void {
  if (!isObject(json)) throw invalid(name, '', 'not a JSON object');
  if (typeof json.mediaType !== 'string' || !TRUSTED_ROOT_MEDIA_TYPE.test(json.mediaType)) {
    throw invalid(name, '/mediaType', `unsupported media type ${String(json.mediaType)}`);
  }
  for (const field of ['tlogs', 'ctlogs', 'certificateAuthorities', 'timestampAuthorities'] as const) {
    if (json[field] !== undefined && !Array.isArray(json[field])) throw invalid(name, `/${field}`, 'not an array');
  }
  for (const field of ['tlogs', 'ctlogs'] as const) {
    const logs = (json[field] ?? []) as unknown[];
    logs.forEach((log, i) => {
      const p = `/${field}/${i}`;
      if (!isObject(log) || !isObject(log.publicKey)) throw invalid(name, p, 'missing publicKey');
      if (typeof log.publicKey.rawBytes !== 'string' || log.publicKey.rawBytes === '') throw invalid(name, `${p}/publicKey/rawBytes`, 'missing key bytes');
      const validFor = log.publicKey.validFor;
      checkDate(name, `${p}/publicKey/validFor/start`, isObject(validFor) ? validFor.start : undefined, true);
      if (isObject(validFor)) checkDate(name, `${p}/publicKey/validFor/end`, validFor.end, false);
      if (!isObject(log.logId) || typeof log.logId.keyId !== 'string' || log.logId.keyId === '') throw invalid(name, `${p}/logId`, 'missing log id');
    });
  }
  for (const field of ['certificateAuthorities', 'timestampAuthorities'] as const) {
    const cas = (json[field] ?? []) as unknown[];
    cas.forEach((ca, i) => {
      const p = `/${field}/${i}`;
      if (!isObject(ca) || !isObject(ca.certChain) || !Array.isArray(ca.certChain.certificates) || ca.certChain.certificates.length === 0) {
        throw invalid(name, `${p}/certChain`, 'empty certificate chain');
      }
    });
  }
}

/** Validates a trusted_root.json document and builds its trust material. Throws TRUST_CONFIG_INVALID. */
export function prepareRoot(name: string, json: unknown): PreparedRoot {
  checkRootShape(name, json);
  let material: TrustMaterial;
  try {
    material = toTrustMaterial(TrustedRoot.fromJSON(json));
  } catch (cause) {
    throw invalid(name, '', 'cannot parse keys or certificates', cause);
  }
  const caCerts = [...material.certificateAuthorities, ...material.timestampAuthorities].flatMap((ca) => ca.certChain);
  // Parsing is lazy in @sigstore/core; touch every certificate now so a bad
  // one is refused at start-up, not at the first bundle.
  caCerts.forEach((cert, i) => {
    try {
      void cert.publicKey;
      void cert.subject;
      void cert.notAfter;
    } catch (cause) {
      throw invalid(name, `/certificateAuthorities/*/certChain/${i}`, 'malformed certificate', cause);
    }
  });
  memoizeAnchors(caCerts);
  return {
    name,
    material,
    caCerts: material.certificateAuthorities.flatMap((ca) => ca.certChain),
    caSubjects: material.certificateAuthorities.flatMap((ca) => ca.certChain.map((c) => c.subject)),
    logIds: new Set(material.tlogs.map((t) => t.logID.toString('base64'))),
    hasCtlogs: material.ctlogs.length > 0,
  };
}
