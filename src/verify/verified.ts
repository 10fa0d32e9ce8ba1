import type { Signer } from './signer.ts';

/** The facts a successful verification establishes. */
export interface Verified {
  envelope: 'dsse' | 'message-signature';
  /** DSSE: the payload type and the exact signed payload bytes (never re-serialized). */
  payloadType?: string;
  payload?: Buffer;
  /** Message signature: 'sha256:<hex>' of the signed artifact. */
  messageDigest?: string;
  signer: Signer;
  tlog?: { logIndex: string; integratedTime?: Date; logId?: string };
  tsaTime?: Date;
}

/** Whom the caller expects to have signed. Without one, any signer chaining to trust is accepted and recorded. */
export type Expectation =
  | { identity: string | RegExp; issuer: string }
  | { keyName: string }
  | { publicKeyPem: string };
