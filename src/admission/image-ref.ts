/**
 * Digest extraction from an image reference, as written in a container's
 * `image` field.
 *
 * Grammar (distribution/reference): `name[:tag][@digest]`. When a digest is
 * present the container runtime pulls by digest and ignores the tag, so the
 * digest is the only identity worth checking; a tag alone is mutable and
 * yields `undefined`.
 * https://kubernetes.io/docs/concepts/containers/images/#image-names
 * https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
 */

// Exactly one '@', a non-empty name without whitespace, and a sha256 digest
// whose encoded part is 64 *lowercase* hex characters: the OCI spec registers
// sha256 as `[a-f0-9]{64}`, so an uppercase digest is malformed, not "the
// same digest".
const DIGESTED_REFERENCE = /^[^@\s]+@(sha256:[a-f0-9]{64})$/;

/** `'registry/repo:tag@sha256:<64 hex>'` → `'sha256:<hex>'`; tag-only, other algorithms or malformed → `undefined`. */
export function parseImageDigest(image: string): string | undefined {
  return DIGESTED_REFERENCE.exec(image)?.[1];
}
