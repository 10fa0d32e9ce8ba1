// Typed error of the SBOM module. The codes are a closed union so the HTTP layer can map them
// to statuses in one table; business code never picks a status itself.

export type SbomErrorCode =
  | 'SBOM_NOT_PARSEABLE' // bytes are not JSON / XML / SPDX tag-value (or are truncated, too deep, binary)
  | 'SBOM_UNKNOWN_FORMAT' // well-formed, but not a CycloneDX or SPDX document we recognise
  | 'SBOM_UNSUPPORTED_VERSION' // recognised format, spec version outside what we parse
  | 'SBOM_INVALID'; // recognised and supported, but structurally unusable (e.g. top level is not an object)

export class SbomError extends Error {
  override readonly name = 'SbomError';
  constructor(
    readonly code: SbomErrorCode,
    message: string,
    /** JSON pointer, XML element path or `line:N` locating the problem, when known. */
    readonly pointer?: string,
  ) {
    super(message);
  }
}
