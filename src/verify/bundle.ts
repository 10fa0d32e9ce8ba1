import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { VerifyError } from './error.ts';

// https://github.com/sigstore/protobuf-specs/blob/main/docs/bundle.md (media types)
const MEDIA_TYPES = new Set([
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
]);

/**
 * Parses a Sigstore bundle given as raw bytes, a JSON string or an already
 * parsed object. Everything wrong with its shape is MALFORMED_BUNDLE.
 */
export function toBundle(input: unknown): Bundle {
  let json: unknown = input;
  if (Buffer.isBuffer(input) || typeof input === 'string') {
    try {
      json = JSON.parse(input.toString('utf8'));
    } catch (cause) {
      throw new VerifyError('MALFORMED_BUNDLE', 'bundle is not valid JSON', { pointer: '', cause });
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new VerifyError('MALFORMED_BUNDLE', 'bundle is not a JSON object', { pointer: '' });
  }
  const mediaType = (json as { mediaType?: unknown }).mediaType;
  if (typeof mediaType !== 'string' || !MEDIA_TYPES.has(mediaType)) {
    throw new VerifyError('MALFORMED_BUNDLE', `unsupported bundle media type ${String(mediaType)}`, { pointer: '/mediaType' });
  }
  try {
    return bundleFromJSON(json);
  } catch (cause) {
    // @sigstore/bundle's ValidationError carries the offending field paths.
    const fields = (cause as { fields?: unknown }).fields;
    const pointer = Array.isArray(fields) && typeof fields[0] === 'string' ? `/${fields[0].replaceAll('.', '/')}` : '';
    throw new VerifyError('MALFORMED_BUNDLE', cause instanceof Error ? cause.message : 'invalid bundle', { pointer, cause });
  }
}
