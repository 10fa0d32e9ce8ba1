import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { VerifyError } from './error.ts';

/** Name under which the built-in Sigstore public-good root is reported. */
export const PUBLIC_GOOD = 'public-good';
const TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';

let cached: unknown;

/**
 * The public-good trusted_root.json shipped inside @sigstore/tuf's seeds.json
 * (the TUF target cached at package build time). Read from disk once, when the
 * trust is built; never refreshed over the network (no TUF client runs here).
 */
export function publicGoodTrustedRoot(): unknown {
  if (cached !== undefined) return cached;
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = dirname(require.resolve('@sigstore/tuf/package.json'));
    const seeds = JSON.parse(readFileSync(join(pkgDir, 'seeds.json'), 'utf8')) as Record<string, { targets?: Record<string, string> }>;
    const target = seeds[TUF_MIRROR]?.targets?.['trusted_root.json'];
    if (typeof target !== 'string') throw new Error('seeds.json has no trusted_root.json target');
    cached = JSON.parse(Buffer.from(target, 'base64').toString('utf8'));
    return cached;
  } catch (cause) {
    throw new VerifyError('TRUST_CONFIG_INVALID', 'cannot load the built-in public-good trusted root from @sigstore/tuf', { cause });
  }
}
