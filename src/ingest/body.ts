// Request-body handling shared by the ingest routes: gzip (by header or by magic bytes) with a
// bounded output so a compression bomb cannot exceed the configured body limit.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { AppError } from '../platform/errors.ts';

export class BodyError extends AppError<'BAD_ENCODING' | 'PAYLOAD_TOO_LARGE' | 'BAD_REQUEST'> {}

export function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** True when the request declares gzip; BAD_ENCODING for any encoding but gzip or none. */
export function declaresGzip(contentEncoding: string | undefined): boolean {
  const enc = (contentEncoding ?? '').trim().toLowerCase();
  if (enc && enc !== 'identity' && enc !== 'gzip' && enc !== 'x-gzip') {
    throw new BodyError('BAD_ENCODING', `Content-Encoding ${enc} is not supported (use gzip or none).`);
  }
  return enc === 'gzip' || enc === 'x-gzip';
}

export function tooLarge(what: 'request body' | 'decompressed body'): BodyError {
  return new BodyError('PAYLOAD_TOO_LARGE', `The ${what} exceeds the configured limit (ATTESTANT_BODY_LIMIT).`);
}

export function badGzip(err: unknown): BodyError {
  return new BodyError('BAD_ENCODING', `The body is not valid gzip: ${(err as Error).message}`);
}

/** A body already in memory (small routes); SpooledBody is the streaming form of the same rules. */
export function decodeBody(raw: Buffer, contentEncoding: string | undefined, limit: number): Buffer {
  if (declaresGzip(contentEncoding) || isGzip(raw)) {
    try {
      return gunzipSync(raw, { maxOutputLength: limit });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('decompressed body');
      throw badGzip(err);
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
