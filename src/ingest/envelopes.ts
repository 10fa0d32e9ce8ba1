// Collect → process: what was uploaded to /v1/attestations, split into the signed envelopes it
// holds. A Sigstore bundle, a bare DSSE envelope, or `.intoto.jsonl` (one of either per line).
import { AppError } from '../platform/errors.ts';

export type EnvelopeInput =
  | { form: 'bundle'; json: Record<string, unknown>; line: number }
  | { form: 'dsse'; json: Record<string, unknown>; line: number };

export class EnvelopeError extends AppError<'MALFORMED_BUNDLE' | 'INVALID_JSON'> {}

function classify(v: unknown, line: number): EnvelopeInput {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new EnvelopeError('MALFORMED_BUNDLE', `line ${line + 1}: expected a Sigstore bundle or a DSSE envelope (a JSON object)`, { pointer: line ? `/${line}` : '' });
  }
  const o = v as Record<string, unknown>;
  if (typeof o.mediaType === 'string' && o.mediaType.startsWith('application/vnd.dev.sigstore.bundle')) return { form: 'bundle', json: o, line };
  if (typeof o.payloadType === 'string' && 'payload' in o && Array.isArray(o.signatures)) return { form: 'dsse', json: o, line };
  if ('verificationMaterial' in o && ('dsseEnvelope' in o || 'messageSignature' in o)) return { form: 'bundle', json: o, line };
  throw new EnvelopeError('MALFORMED_BUNDLE', `line ${line + 1}: neither a Sigstore bundle (mediaType application/vnd.dev.sigstore.bundle…) nor a DSSE envelope (payloadType, payload, signatures)`, { pointer: line ? `/${line}` : '/mediaType' });
}

export function splitEnvelopes(bytes: Buffer): EnvelopeInput[] {
  const text = bytes.toString('utf8');
  try {
    return [classify(JSON.parse(text), 0)];
  } catch (err) {
    if (err instanceof EnvelopeError) throw err;
  }
  // JSON Lines: https://jsonlines.org, as written by slsa-github-generator (*.intoto.jsonl).
  const lines = text.split('\n').map((l) => l.trim());
  const out: EnvelopeInput[] = [];
  lines.forEach((l, i) => {
    if (!l) return;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch (err) {
      throw new EnvelopeError('INVALID_JSON', `line ${i + 1} is not JSON: ${(err as Error).message}`, { pointer: `/${i}` });
    }
    out.push(classify(v, i));
  });
  if (out.length === 0) throw new EnvelopeError('INVALID_JSON', 'the body is empty');
  return out;
}
