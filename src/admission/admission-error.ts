/**
 * The one error the admission module throws. A deny is an answer
 * (`allowed: false` in the AdmissionReview response), never an error: this
 * error only means "this body is not an AdmissionReview v1 we can decide on".
 *
 * The code union is closed on purpose (see /work/shared/STYLE.md, example 1):
 * the HTTP layer maps codes to statuses in one table, and tests assert codes,
 * never messages.
 */
export type AdmissionErrorCode = 'ADMISSION_INVALID';

export class AdmissionError extends Error {
  override readonly name = 'AdmissionError';

  /**
   * @param pointer RFC 6901 JSON pointer into the *whole review body* (for
   *   example `/request/uid`), so a problem+json response can point at the
   *   offending field. Note that `ImageRef.pointer` is relative to
   *   `request.object` instead, because that is what policy messages talk about.
   */
  constructor(
    readonly code: AdmissionErrorCode,
    message: string,
    readonly pointer?: string,
  ) {
    super(message);
  }
}
