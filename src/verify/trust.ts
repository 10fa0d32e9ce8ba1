import { VerifyError } from './error.ts';
import { toPreparedKey, type PreparedKey } from './keys.ts';
import { PUBLIC_GOOD, publicGoodTrustedRoot } from './public-good.ts';
import { prepareRoot, type PreparedRoot } from './trusted-root.ts';

/** What the trust config says, after its referenced files were read (see trust-config.ts). */
export interface TrustSource {
  /** Default true: the Sigstore public-good root built in from @sigstore/tuf's seeds.json, offline. */
  publicGood: boolean;
  /** Extra trusted_root.json documents, by name. */
  trustedRoots: Array<{ name: string; json: unknown }>;
  /** PEM public keys (ECDSA P-256/384, Ed25519, RSA), by name. */
  keys: Array<{ name: string; pem: string }>;
}

/** Trust material ready for synchronous verification. Build once; share freely (immutable). */
export interface Trust {
  readonly roots: readonly string[];
  readonly keys: readonly string[];
  /** @internal */
  readonly preparedRoots: readonly PreparedRoot[];
  /** @internal */
  readonly preparedKeys: readonly PreparedKey[];
}

function checkUnique(kind: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (n === '' || seen.has(n)) throw new VerifyError('TRUST_CONFIG_INVALID', `${kind} name ${JSON.stringify(n)} empty or repeated`, { pointer: `/${kind}` });
    seen.add(n);
  }
}

/** Validates every root and key and prepares trust material. Throws VerifyError('TRUST_CONFIG_INVALID'). */
export function buildTrust(source: TrustSource): Trust {
  const rootSources = [...(source.publicGood ? [{ name: PUBLIC_GOOD, json: publicGoodTrustedRoot() }] : []), ...source.trustedRoots];
  checkUnique('trustedRoots', rootSources.map((r) => r.name));
  checkUnique('keys', source.keys.map((k) => k.name));
  const preparedRoots = rootSources.map((r) => prepareRoot(r.name, r.json));
  const preparedKeys = source.keys.map((k) => toPreparedKey(k.name, k.pem));
  return Object.freeze({
    roots: Object.freeze(preparedRoots.map((r) => r.name)),
    keys: Object.freeze(preparedKeys.map((k) => k.name)),
    preparedRoots: Object.freeze(preparedRoots),
    preparedKeys: Object.freeze(preparedKeys),
  });
}
