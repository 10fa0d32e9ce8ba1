import { ASN1Obj } from '@sigstore/core';
import { constants, publicDecrypt, type KeyObject } from 'node:crypto';

/**
 * Verifies a signature over a pre-computed SHA-256 digest. Needed for the
 * conformance protocol's `sha256:<hex>` form with message signatures: Node's
 * crypto.verify always hashes its input and has no prehash mode.
 *
 * ECDSA (P-256, P-384) is checked with the textbook algorithm (SEC 1 v2
 * §4.1.4) on BigInt Jacobian coordinates; it handles public data only, so
 * constant time does not matter. RSA PKCS#1 v1.5 uses publicDecrypt and
 * compares the DigestInfo (RFC 8017 §9.2). Ed25519 cannot be prehashed
 * (pure EdDSA signs the message itself): false.
 * Slow (a few ms); used only on the digest-only CLI path.
 */
export function verifyPrehashed(key: KeyObject, digest: Buffer, signature: Buffer): boolean {
  try {
    if (key.asymmetricKeyType === 'ec') return verifyEcdsa(key, digest, signature);
    if (key.asymmetricKeyType === 'rsa') return verifyRsa(key, digest, signature);
    return false;
  } catch {
    return false;
  }
}

// SHA-256 DigestInfo prefix, RFC 8017 §9.2 note 1.
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

function verifyRsa(key: KeyObject, digest: Buffer, signature: Buffer): boolean {
  const decrypted = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
  return decrypted.equals(Buffer.concat([SHA256_DIGEST_INFO, digest]));
}

interface Curve { p: bigint; a: bigint; n: bigint; gx: bigint; gy: bigint; bits: number }

// FIPS 186-4 D.1.2.3 / D.1.2.4
const CURVES: Record<string, Curve> = {
  prime256v1: {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    bits: 256,
  },
  secp384r1: {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    bits: 384,
  },
};

type Point = [bigint, bigint, bigint]; // Jacobian X, Y, Z; Z = 0 is infinity

const mod = (x: bigint, m: bigint): bigint => ((x % m) + m) % m;

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b = mod(b, m);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

const inv = (x: bigint, m: bigint): bigint => modPow(x, m - 2n, m); // m prime

// dbl-2007-bl, https://hyperelliptic.org/EFD/g1p/auto-shortw-jacobian.html
function double(c: Curve, [x1, y1, z1]: Point): Point {
  const { p } = c;
  if (z1 === 0n || y1 === 0n) return [0n, 1n, 0n];
  const xx = (x1 * x1) % p, yy = (y1 * y1) % p, yyyy = (yy * yy) % p, zz = (z1 * z1) % p;
  const s = mod(2n * ((x1 + yy) ** 2n - xx - yyyy), p);
  const m = mod(3n * xx + c.a * zz * zz, p);
  const x3 = mod(m * m - 2n * s, p);
  const y3 = mod(m * (s - x3) - 8n * yyyy, p);
  const z3 = mod((y1 + z1) ** 2n - yy - zz, p);
  return [x3, y3, z3];
}

// add-2007-bl
function add(c: Curve, a: Point, b: Point): Point {
  const { p } = c;
  const [x1, y1, z1] = a, [x2, y2, z2] = b;
  if (z1 === 0n) return b;
  if (z2 === 0n) return a;
  const z1z1 = (z1 * z1) % p, z2z2 = (z2 * z2) % p;
  const u1 = (x1 * z2z2) % p, u2 = (x2 * z1z1) % p;
  const s1 = (y1 * z2 * z2z2) % p, s2 = (y2 * z1 * z1z1) % p;
  const h = mod(u2 - u1, p), r = mod(2n * (s2 - s1), p);
  if (h === 0n) return r === 0n ? double(c, a) : [0n, 1n, 0n];
  const i = (4n * h * h) % p, j = (h * i) % p, v = (u1 * i) % p;
  const x3 = mod(r * r - j - 2n * v, p);
  const y3 = mod(r * (v - x3) - 2n * s1 * j, p);
  const z3 = mod(((z1 + z2) ** 2n - z1z1 - z2z2) * h, p);
  return [x3, y3, z3];
}

function multiply(c: Curve, pt: Point, k: bigint): Point {
  let r: Point = [0n, 1n, 0n];
  for (let i = BigInt(k.toString(2).length - 1); i >= 0n; i--) {
    r = double(c, r);
    if ((k >> i) & 1n) r = add(c, r, pt);
  }
  return r;
}

const big = (b: Buffer): bigint => (b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`));

function verifyEcdsa(key: KeyObject, digest: Buffer, signature: Buffer): boolean {
  const c = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (!c) return false;
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.x || !jwk.y) return false;
  const q: Point = [big(Buffer.from(jwk.x, 'base64url')), big(Buffer.from(jwk.y, 'base64url')), 1n];
  const seq = ASN1Obj.parseBuffer(signature as Buffer<ArrayBuffer>);
  const [rObj, sObj] = seq.subs;
  if (!rObj || !sObj || seq.subs.length !== 2) return false;
  const r = rObj.toInteger(), s = sObj.toInteger();
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  // SEC 1 §4.1.4 step 5: leftmost min(bits(n), bits(digest)) bits
  let e = big(digest);
  const excess = digest.length * 8 - c.bits;
  if (excess > 0) e >>= BigInt(excess);
  const w = inv(s, c.n);
  const u1 = (e * w) % c.n, u2 = (r * w) % c.n;
  const [x, , z] = add(c, multiply(c, [c.gx, c.gy, 1n], u1), multiply(c, q, u2));
  if (z === 0n) return false;
  const zInv = inv(z, c.p);
  const affineX = (x * zInv * zInv) % c.p;
  return affineX % c.n === r;
}
