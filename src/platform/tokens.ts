import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits; the prefix lets secret scanners recognise leaked tokens. */
export function generateToken(): string {
  return `att_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are high-entropy, so a plain SHA-256 is enough to make the stored value useless to a thief. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
