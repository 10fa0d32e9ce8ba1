// `verify-bundle`: the sigstore-conformance client protocol
// (https://github.com/sigstore/sigstore-conformance/blob/main/docs/cli_protocol.md):
//
//   verify-bundle [--staging] --bundle FILE
//     (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE)
//     [--trusted-root FILE] FILE_OR_DIGEST
//
// FILE_OR_DIGEST is a path or `sha256:<hex>`. Exit 0 only when verified; 1
// otherwise, with the error code on stderr. Without --trusted-root the
// built-in Sigstore public-good root is used (offline, from @sigstore/tuf).
import { readFileSync } from 'node:fs';
import { buildTrust, verifyBundle, VerifyError, type Expectation, type VerifyOptions } from '../verify/index.ts';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const VALUE_FLAGS = new Set(['--bundle', '--certificate-identity', '--certificate-oidc-issuer', '--key', '--trusted-root']);
const USAGE =
  'usage: verify-bundle [--staging] --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE) [--trusted-root FILE] FILE_OR_DIGEST';

class ArgError extends Error {}

function parseArgs(argv: readonly string[]): { flags: Map<string, string>; staging: boolean; target: string } {
  const args = argv[0] === 'verify-bundle' ? argv.slice(1) : [...argv];
  const flags = new Map<string, string>();
  const positional: string[] = [];
  let staging = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--staging') {
      staging = true;
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (VALUE_FLAGS.has(name)) {
      const value = name !== a ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new ArgError(`${name} needs a value`);
      if (flags.has(name)) throw new ArgError(`${name} given twice`);
      flags.set(name, value);
    } else if (a.startsWith('--')) {
      throw new ArgError(`unknown option ${a}`);
    } else {
      positional.push(a);
    }
  }
  if (positional.length !== 1) throw new ArgError('expected exactly one FILE_OR_DIGEST');
  if (!flags.has('--bundle')) throw new ArgError('--bundle is required');
  const keyless = flags.has('--certificate-identity') || flags.has('--certificate-oidc-issuer');
  if (flags.has('--key') === keyless) throw new ArgError('give either --key or --certificate-identity with --certificate-oidc-issuer');
  if (keyless && !(flags.has('--certificate-identity') && flags.has('--certificate-oidc-issuer'))) {
    throw new ArgError('--certificate-identity and --certificate-oidc-issuer go together');
  }
  return { flags, staging, target: positional[0] as string };
}

function readOrFail(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new VerifyError(what === 'bundle' ? 'MALFORMED_BUNDLE' : 'TRUST_CONFIG_INVALID', `cannot read ${what} ${path}`, { cause });
  }
}

export async function runVerifyBundle(argv: string[], out: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    out.stderr(`${(err as Error).message}\n${USAGE}\n`);
    return 1;
  }
  const { flags, staging, target } = parsed;
  try {
    const trustedRootPath = flags.get('--trusted-root');
    if (staging && trustedRootPath === undefined) {
      // No staging root is built in, and TUF is never fetched here.
      throw new VerifyError('TRUST_CONFIG_INVALID', '--staging needs --trusted-root (no built-in staging root)');
    }
    const opts: VerifyOptions = {};
    if (trustedRootPath !== undefined) {
      try {
        opts.trustedRootJson = JSON.parse(readOrFail(trustedRootPath, 'trusted root').toString('utf8'));
      } catch (cause) {
        throw cause instanceof VerifyError ? cause : new VerifyError('TRUST_CONFIG_INVALID', `trusted root ${trustedRootPath} is not JSON`, { cause });
      }
    }
    const keyPath = flags.get('--key');
    const expect: Expectation = keyPath !== undefined
      ? { publicKeyPem: readOrFail(keyPath, 'key').toString('utf8') }
      : { identity: flags.get('--certificate-identity') as string, issuer: flags.get('--certificate-oidc-issuer') as string };
    opts.expect = expect;
    opts.artifact = /^sha256:[0-9a-fA-F]{64}$/.test(target) ? { digest: target } : readOrFail(target, 'artifact');
    // With --trusted-root that root is the only one; otherwise public-good.
    const trust = buildTrust({ publicGood: trustedRootPath === undefined, trustedRoots: [], keys: [] });
    const bundle = readOrFail(flags.get('--bundle') as string, 'bundle');
    const v = verifyBundle(trust, bundle, opts);
    const who = v.signer.kind === 'keyless' ? `${v.signer.identity ?? '?'} (${v.signer.issuer ?? '?'})` : `key ${v.signer.keyId ?? ''}`;
    out.stdout(`OK ${v.envelope} signed by ${who} via ${v.signer.trustedRoot ?? 'key'}\n`);
    return 0;
  } catch (err) {
    if (err instanceof VerifyError) {
      out.stderr(`${err.code}: ${err.message}\n`);
      return 1;
    }
    out.stderr(`ERROR: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
