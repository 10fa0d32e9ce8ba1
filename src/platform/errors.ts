// Every module throws its own typed error with a machine `code`; this table is the one place where
// codes become HTTP statuses (business code never picks a status).

export class AppError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details: { pointer?: string; errors?: unknown[]; [k: string]: unknown } = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Completion callbacks must not throw (the decision route catches its own); one that does is a
 * bug, reported as a process warning rather than stopping a loop that calls others or ending the
 * process as an unhandled rejection.
 */
export function callbackThrew(thrown: unknown): void {
  process.emitWarning(thrown instanceof Error ? thrown : new Error(String(thrown)));
}

export class NotFoundError extends AppError<'NOT_FOUND'> {
  constructor(message: string) { super('NOT_FOUND', message); }
}

export class UnavailableError extends AppError<'UNAVAILABLE' | 'POLICY_UNAVAILABLE' | 'DATABASE_UNAVAILABLE'> {}

export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  // 400: the request cannot be understood
  BAD_REQUEST: 400,
  AUDIT_ENTRY_INVALID: 400,
  VALIDATION_FAILED: 400,
  INVALID_DIGEST: 400,
  INVALID_JSON: 400,
  SBOM_NOT_PARSEABLE: 400,
  SBOM_UNKNOWN_FORMAT: 400,
  SBOM_UNSUPPORTED_VERSION: 400,
  SBOM_INVALID: 400,
  PURL_INVALID: 400,
  VERS_INVALID: 400,
  ADMISSION_INVALID: 400,
  INVALID_CURSOR: 400,
  BAD_ENCODING: 400,
  EXCEPTION_INVALID: 400,
  TEXT_UNSTORABLE: 400,
  BAD_URL: 400,
  URI_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  // 401/403
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  DOCUMENT_KIND_CONFLICT: 409,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  // 422: understood, but refused
  SBOM_SCHEMA_INVALID: 422,
  STATEMENT_INVALID: 422,
  PREDICATE_INVALID: 422,
  VERIFY_SIGNATURE: 422,
  VERIFY_CERTIFICATE: 422,
  VERIFY_TLOG: 422,
  VERIFY_TIMESTAMP: 422,
  UNTRUSTED_ROOT: 422,
  UNKNOWN_KEY: 422,
  MALFORMED_BUNDLE: 422,
  SUBJECT_MISMATCH: 422,
  IDENTITY_MISMATCH: 422,
  POLICY_INVALID: 422,
  TRUST_CONFIG_INVALID: 422,
  TLS_INVALID: 422,
  // 503: cannot decide / cannot serve now
  UNAVAILABLE: 503,
  // The policy engine could not evaluate (inconsistent facts) or read its files: cannot decide.
  EVALUATION_INVALID: 503,
  POLICY_IO: 503,
  POLICY_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  NOT_READY: 503,
  SHUTTING_DOWN: 503,
};

export function statusForCode(code: string | undefined): number | undefined {
  return code === undefined ? undefined : STATUS_BY_CODE[code];
}
