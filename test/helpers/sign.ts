// Signing with the test-only keys of test/fixtures/private-sigstore: bare DSSE envelopes over
// in-toto statements, verified by the service against keys configured in a trust file.
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export const PRIVATE_SIGSTORE = new URL('../fixtures/private-sigstore/', import.meta.url).pathname;

/** A DSSE envelope (in-toto payload type) signed with `keyFile` of private-sigstore. */
export function dsse(statement: unknown, keyFile: string): Record<string, unknown> {
  const payload = Buffer.from(JSON.stringify(statement));
  const type = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]);
  const key = createPrivateKey(readFileSync(`${PRIVATE_SIGSTORE}${keyFile}`));
  const sig = key.asymmetricKeyType === 'ed25519' ? sign(null, pae, key) : sign('sha256', pae, key);
  // keyid: base64 SHA-256 of the public key's SPKI (a hint; it is not trusted, the signature is).
  const keyid = createHash('sha256').update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest('base64');
  return { payloadType: type, payload: payload.toString('base64'), signatures: [{ keyid, sig: sig.toString('base64') }] };
}

/** An in-toto v1 statement about one subject. */
export function statement(subject: { name: string; digest: string }, predicateType: string, predicate: unknown) {
  return { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: subject.name, digest: { sha256: subject.digest.replace(/^sha256:/, '') } }], predicateType, predicate };
}

/**
 * Writes a trust file: public-good Sigstore, the private trusted root, and the named managed keys
 * (`release-p256` → managed-p256.pub).
 */
export function writeTrust(file: string, keys: string[]): void {
  writeFileSync(file, `publicGood: true
trustedRoots:
  - { name: private, path: ${PRIVATE_SIGSTORE}trusted_root.json }
keys:
${keys.map((k) => `  - { name: ${k}, path: ${PRIVATE_SIGSTORE}managed-${k.split('-')[1]}.pub }`).join('\n')}
`);
}
