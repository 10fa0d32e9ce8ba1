import { createHash } from 'node:crypto';
import { VerifyError } from './error.ts';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** The artifact as the caller gave it: bytes, or an already computed digest. */
export type ArtifactInput = Buffer | { digest: string };

/** Normalizes an artifact to lower-case hex SHA-256. Only sha256 is supported. */
export function toSha256Hex(artifact: ArtifactInput): string {
  if (Buffer.isBuffer(artifact)) return createHash('sha256').update(artifact).digest('hex');
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(artifact.digest);
  if (!m?.[1]) throw new VerifyError('SUBJECT_MISMATCH', `unsupported artifact digest ${artifact.digest}; expected sha256:<hex>`, { pointer: '/artifact' });
  return m[1].toLowerCase();
}

/**
 * Checks that the signed DSSE payload names the artifact. toSignedEntity
 * ignores the artifact for DSSE, so this is ours.
 * - in-toto statements: some `subject[].digest.sha256` equals the artifact digest
 *   (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md).
 * - any other payload type: the payload itself must be the artifact.
 */
export function verifySubject(payloadType: string, payload: Buffer, artifact: ArtifactInput): void {
  const want = toSha256Hex(artifact);
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    if (createHash('sha256').update(payload).digest('hex') !== want) {
      throw new VerifyError('SUBJECT_MISMATCH', 'payload is not the artifact', { pointer: '/dsseEnvelope/payload' });
    }
    return;
  }
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch (cause) {
    throw new VerifyError('MALFORMED_BUNDLE', 'in-toto payload is not JSON', { pointer: '/dsseEnvelope/payload', cause });
  }
  const subjects = (statement as { subject?: unknown } | null)?.subject;
  if (!Array.isArray(subjects)) throw new VerifyError('MALFORMED_BUNDLE', 'in-toto statement has no subject list', { pointer: '/dsseEnvelope/payload' });
  const match = subjects.some((s: unknown) => {
    const d = (s as { digest?: { sha256?: unknown } } | null)?.digest?.sha256;
    return typeof d === 'string' && d.toLowerCase() === want;
  });
  if (!match) throw new VerifyError('SUBJECT_MISMATCH', `no in-toto subject has sha256 ${want}`, { pointer: '/dsseEnvelope/payload' });
}
