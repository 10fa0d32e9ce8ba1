/**
 * The one error type of the verify module. Codes form a closed union so that
 * callers (HTTP problem mapping, CLI exit output, tests) switch on the code and
 * never on the message.
 */
export type VerifyErrorCode =
  | 'VERIFY_SIGNATURE'
  | 'VERIFY_CERTIFICATE'
  | 'VERIFY_TLOG'
  | 'VERIFY_TIMESTAMP'
  | 'UNTRUSTED_ROOT'
  | 'UNKNOWN_KEY'
  | 'MALFORMED_BUNDLE'
  | 'SUBJECT_MISMATCH'
  | 'IDENTITY_MISMATCH'
  | 'TRUST_CONFIG_INVALID';

export class VerifyError extends Error {
  readonly code: VerifyErrorCode;
  /** JSON pointer (or file path for trust config errors) to what was wrong, when known. */
  readonly pointer?: string;

  constructor(code: VerifyErrorCode, message: string, opts: { pointer?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'VerifyError';
    this.code = code;
    if (opts.pointer !== undefined) this.pointer = opts.pointer;
  }
}

/** Codes of @sigstore/verify's VerificationError and PolicyError (3.1.x). */
type SigstoreCode =
  | 'CERTIFICATE_ERROR'
  | 'PUBLIC_KEY_ERROR'
  | 'SIGNATURE_ERROR'
  | 'TIMESTAMP_ERROR'
  | 'TLOG_BODY_ERROR'
  | 'TLOG_ERROR'
  | 'TLOG_INCLUSION_PROMISE_ERROR'
  | 'TLOG_INCLUSION_PROOF_ERROR'
  | 'TLOG_MISSING_INCLUSION_ERROR'
  | 'UNTRUSTED_SIGNER_ERROR';

const SIGSTORE_CODE_MAP: Record<SigstoreCode, VerifyErrorCode> = {
  CERTIFICATE_ERROR: 'VERIFY_CERTIFICATE',
  // Raised by the key finder when no configured key matches the hint, or when
  // the key is outside its validity window.
  PUBLIC_KEY_ERROR: 'UNKNOWN_KEY',
  SIGNATURE_ERROR: 'VERIFY_SIGNATURE',
  TIMESTAMP_ERROR: 'VERIFY_TIMESTAMP',
  TLOG_BODY_ERROR: 'VERIFY_TLOG',
  TLOG_ERROR: 'VERIFY_TLOG',
  TLOG_INCLUSION_PROMISE_ERROR: 'VERIFY_TLOG',
  TLOG_INCLUSION_PROOF_ERROR: 'VERIFY_TLOG',
  TLOG_MISSING_INCLUSION_ERROR: 'VERIFY_TLOG',
  UNTRUSTED_SIGNER_ERROR: 'IDENTITY_MISMATCH',
};

/** Maps anything thrown by @sigstore/verify onto a VerifyError; unknown errors become `fallback`. */
export function toVerifyError(err: unknown, fallback: VerifyErrorCode = 'VERIFY_SIGNATURE'): VerifyError {
  if (err instanceof VerifyError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && code in SIGSTORE_CODE_MAP) {
    return new VerifyError(SIGSTORE_CODE_MAP[code as SigstoreCode], message, { cause: err });
  }
  return new VerifyError(fallback, message, { cause: err });
}
