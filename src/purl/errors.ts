/**
 * Typed errors of the purl module. Callers branch on `code`, never on `message`;
 * `position` is the 0-based character offset in the input where the problem was found.
 */
export type PurlErrorCode = 'PURL_INVALID';

export class PurlError extends Error {
  override readonly name = 'PurlError';
  constructor(
    readonly code: PurlErrorCode,
    message: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

export type VersErrorCode = 'VERS_INVALID';

export class VersError extends Error {
  override readonly name = 'VersError';
  constructor(
    readonly code: VersErrorCode,
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}
