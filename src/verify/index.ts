// Sigstore verification against trust material: pure, synchronous, coded errors.
// Only readTrustSource touches the disk; buildTrust reads the built-in
// public-good root once. Everything else is in-memory.
export { VerifyError, type VerifyErrorCode } from './error.ts';
export { readTrustSource } from './trust-config.ts';
export { buildTrust, type Trust, type TrustSource } from './trust.ts';
export type { Signer } from './signer.ts';
export type { Verified, Expectation } from './verified.ts';
export { verifyBundle, type VerifyOptions } from './bundle-verifier.ts';
export { verifyDsseEnvelope } from './dsse-envelope.ts';
export { PUBLIC_GOOD } from './public-good.ts';
