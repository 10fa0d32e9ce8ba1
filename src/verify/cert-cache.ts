import type { X509Certificate } from '@sigstore/core';
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/*
 * Why this exists (profile of the naive path, bench/verify.bench.ts): about
 * half the CPU of a keyless verification went to @sigstore/core re-encoding
 * ASN.1 to DER on every access — X509Certificate.equals() serializes both
 * certificates each time and CertificateChainVerifier calls it O(n²) times
 * while deduplicating and building paths; verify() re-serializes the TBS
 * part and re-imports the issuer's public key. A parsed certificate never
 * changes, so we compute each of those once per certificate object.
 *
 * Only behaviour-preserving caches: the same bytes and the same results,
 * never a cached verdict across different inputs.
 */

const keyCache = new WeakMap<X509Certificate, KeyObject>();

function issuerKey(issuer: X509Certificate): KeyObject {
  let key = keyCache.get(issuer);
  if (!key) {
    key = createPublicKey({ key: issuer.publicKey, format: 'der', type: 'spki' });
    keyCache.set(issuer, key);
  }
  return key;
}

function memoDER(obj: { toDER(): Buffer }): Buffer {
  const der = obj.toDER();
  obj.toDER = () => der;
  return der;
}

/** Length of the DER header (tag + length octets) and the content length at `at` (X.690 §8.1.2-8.1.3). */
function tlv(der: Buffer, at: number): { header: number; length: number } | undefined {
  const first = der[at + 1];
  if (first === undefined) return undefined;
  if (first < 0x80) return { header: 2, length: first };
  const n = first & 0x7f;
  if (n === 0 || n > 4 || at + 2 + n > der.length) return undefined;
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + (der[at + 2 + i] as number);
  return { header: 2 + n, length };
}

/**
 * True when every TLV in `der[from, to)` uses the minimal length form and the
 * TLVs tile the range exactly. Re-serializing a parse of such bytes gives
 * the same bytes back (the parser keeps every tag and value; toDER only
 * recomputes lengths), which is what lets us use the received bytes.
 */
function minimalDER(der: Buffer, from: number, to: number, depth = 0): boolean {
  let at = from;
  while (at < to) {
    const t = tlv(der, at);
    if (!t) return false;
    const first = der[at + 1] as number;
    if (first >= 0x80 && (t.length < 0x80 || (first & 0x7f) > 1 && (der[at + 2] as number) === 0)) return false;
    const end = at + t.header + t.length;
    if (end > to) return false;
    const constructed = ((der[at] as number) & 0x20) !== 0;
    if (constructed && (depth > 32 || !minimalDER(der, at + t.header, end, depth + 1))) return false;
    at = end;
  }
  return at === to;
}

/**
 * Caches DER encodings and the public key import of one certificate object.
 * With `raw` (the bytes it was parsed from) and when those are minimally
 * encoded DER, the encodings are slices of them instead of re-serializations
 * — the same bytes, without the cost.
 */
export function memoizeEncodings(cert: X509Certificate, raw?: Buffer): void {
  const tbs = cert.root.subs[0];
  const outer = raw ? tlv(raw, 0) : undefined;
  const inner = raw && outer ? tlv(raw, outer.header) : undefined;
  if (raw && outer && inner && tbs && outer.header + outer.length === raw.length && minimalDER(raw, 0, raw.length)) {
    const tbsDer = raw.subarray(outer.header, outer.header + inner.header + inner.length);
    cert.root.toDER = () => raw;
    tbs.toDER = () => tbsDer;
  } else {
    memoDER(cert.root);
    if (tbs) memoDER(tbs);
  }
  const spki = cert.publicKey;
  Object.defineProperty(cert, 'publicKey', { value: spki, configurable: true });
  // Memo per (certificate, issuer) object pair. For a leaf this lives for one
  // verification (sigstore-js checks the chain once per timestamp and per
  // candidate CA); for anchors it lives as long as the trust.
  const memo = new WeakMap<X509Certificate, boolean>();
  cert.verify = (issuer?: X509Certificate): boolean => {
    const signer = issuer ?? cert;
    let result = memo.get(signer);
    if (result === undefined) {
      try {
        result = cryptoVerify(cert.signatureAlgorithm, cert.tbsCertificate.toDER(), issuerKey(signer), cert.signatureValue);
      } catch {
        result = false;
      }
      memo.set(signer, result);
    }
    return result;
  };
}

/**
 * Trust anchors (CA and TSA certificates of a prepared root) live as long as
 * the trust, so "intermediate X is signed by root Y" is computed once, not
 * once per bundle.
 */
export function memoizeAnchors(certs: readonly X509Certificate[]): void {
  for (const cert of certs) memoizeEncodings(cert);
}
