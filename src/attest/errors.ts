/**
 * Typed errors of the attest module. The code union is closed so callers (the
 * HTTP layer's problem table) can switch on it exhaustively; `pointer` is a JSON
 * pointer (RFC 6901) into the statement that names the offending field.
 */
export type AttestErrorCode =
  /** Not JSON, not an object, unknown `_type`, or a malformed `subject`. */
  | 'STATEMENT_INVALID'
  /** The predicate does not have the shape its `predicateType` promises. */
  | 'PREDICATE_INVALID';

export class AttestError extends Error {
  override readonly name = 'AttestError';
  constructor(
    readonly code: AttestErrorCode,
    message: string,
    readonly pointer: string = '',
  ) {
    super(pointer ? `${message} (at ${pointer})` : message);
  }
}

/** Escapes one reference token of a JSON pointer (RFC 6901 §4). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}
