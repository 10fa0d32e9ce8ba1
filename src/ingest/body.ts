// Request-body handling shared by the ingest routes: gzip (by header or by magic bytes) with a
// bounded output so a compression bomb cannot exceed the configured body limit.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { AppError } from '../platform/errors.ts';

export class BodyError extends AppError<'BAD_ENCODING' | 'PAYLOAD_TOO_LARGE' | 'BAD_REQUEST'> {}

export function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function decodeBody(raw: Buffer, contentEncoding: string | undefined, limit: number): Buffer {
  const enc = (contentEncoding ?? '').trim().toLowerCase();
  if (enc && enc !== 'identity' && enc !== 'gzip' && enc !== 'x-gzip') {
    throw new BodyError('BAD_ENCODING', `Content-Encoding ${enc} is not supported (use gzip or none).`);
  }
  if (enc === 'gzip' || enc === 'x-gzip' || isGzip(raw)) {
    try {
      return gunzipSync(raw, { maxOutputLength: limit });
    } catch (err) {
      const e = err as { code?: string };
      if (e.code === 'ERR_BUFFER_TOO_LARGE') throw new BodyError('PAYLOAD_TOO_LARGE', 'The decompressed body exceeds the configured limit (ATTESTANT_BODY_LIMIT).');
      throw new BodyError('BAD_ENCODING', `The body is not valid gzip: ${(err as Error).message}`);
    }
  }
  return raw;
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
export class DigestError extends AppError<'INVALID_DIGEST'> {}

/** Accepts sha256:<hex> (hex case-insensitive) and returns it lower-cased; throws INVALID_DIGEST otherwise. */
export function parseDigest(value: string, pointer: string): string {
  const v = value.trim();
  const lower = v.toLowerCase();
  if (!DIGEST.test(lower)) throw new DigestError('INVALID_DIGEST', `${JSON.stringify(value)} is not a digest of the form sha256:<64 hex digits>.`, { pointer });
  return lower;
}
