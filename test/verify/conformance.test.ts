// The shared sigstore-conformance bundle-verify cases, through the library
// and through the CLI protocol. Failing cases assert our error code.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTrust, verifyBundle, VerifyError, type Expectation, type VerifyErrorCode } from '../../src/verify/index.ts';
import { runVerifyBundle } from '../../src/cli/verify-bundle.ts';

const DIR = fileURLToPath(new URL('../fixtures/sigstore-conformance/', import.meta.url));

// Our code for each failing case (see the case README for why it fails).
const EXPECTED_CODES: Record<string, VerifyErrorCode> = {
  'bundle-malformed-json_fail': 'MALFORMED_BUNDLE',
  'dsse-invalid-sig_fail': 'VERIFY_SIGNATURE',
  'intoto-expired-certificate_fail': 'VERIFY_CERTIFICATE',
  // key.pub is not a parsable key ("wrongkey" pasted into the base64).
  'managed-key-wrong-key_fail': 'TRUST_CONFIG_INVALID',
  'signature-mismatch_fail': 'VERIFY_SIGNATURE',
  'wrong-material_fail': 'SUBJECT_MISMATCH',
};

interface Case {
  name: string;
  dir: string;
  expected: 'pass' | 'fail';
  production: boolean;
  keyPath?: string;
  identity: string;
  issuer: string;
}

const cases: Case[] = readdirSync(DIR)
  .filter((d) => existsSync(join(DIR, d, 'case.json')))
  .sort()
  .map((name) => {
    const dir = join(DIR, name);
    const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { expected: 'pass' | 'fail'; trustedRoot: string; verificationMode: string };
    const c: Case = {
      name,
      dir,
      expected: meta.expected,
      production: meta.trustedRoot === 'materialised-production',
      identity: readFileSync(join(dir, 'identity'), 'utf8').trim(),
      issuer: readFileSync(join(dir, 'issuer'), 'utf8').trim(),
    };
    if (meta.verificationMode === 'key') c.keyPath = join(dir, 'key.pub');
    return c;
  });

const publicGood = buildTrust({ publicGood: true, trustedRoots: [], keys: [] });
const noRoots = buildTrust({ publicGood: false, trustedRoots: [], keys: [] });

function expectation(c: Case): Expectation {
  return c.keyPath ? { publicKeyPem: readFileSync(c.keyPath, 'utf8') } : { identity: c.identity, issuer: c.issuer };
}

function codeOf(fn: () => unknown): VerifyErrorCode | 'OK' {
  try {
    fn();
    return 'OK';
  } catch (err) {
    assert.ok(err instanceof VerifyError, `unexpected ${String(err)}`);
    return err.code;
  }
}

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runVerifyBundle(args, { stdout: () => {}, stderr: (s) => (stderr += s) });
  return { code, stderr };
}

function cliArgs(c: Case, withRoot: boolean, target: string): string[] {
  const args = ['verify-bundle', '--bundle', join(c.dir, 'bundle.sigstore.json')];
  if (c.keyPath) args.push('--key', c.keyPath);
  else args.push('--certificate-identity', c.identity, '--certificate-oidc-issuer', c.issuer);
  if (withRoot) args.push('--trusted-root', join(c.dir, 'trusted_root.json'));
  args.push(target);
  return args;
}

test('all 14 shared cases are present (8 pass, 6 fail)', () => {
  assert.equal(cases.length, 14);
  assert.equal(cases.filter((c) => c.expected === 'pass').length, 8);
});

describe('sigstore-conformance via verifyBundle', () => {
  for (const c of cases) {
    const want = c.expected === 'pass' ? 'OK' : EXPECTED_CODES[c.name];
    test(`${c.name} with its trusted_root.json → ${want}`, () => {
      const bundle = readFileSync(join(c.dir, 'bundle.sigstore.json'));
      const trustedRootJson = JSON.parse(readFileSync(join(c.dir, 'trusted_root.json'), 'utf8')) as unknown;
      const got = codeOf(() => verifyBundle(noRoots, bundle, { artifact: readFileSync(join(c.dir, 'artifact')), expect: expectation(c), trustedRootJson }));
      assert.equal(got, want);
    });
    if (c.production) {
      test(`${c.name} with the built-in public-good root → ${want}`, () => {
        const bundle = readFileSync(join(c.dir, 'bundle.sigstore.json'));
        const got = codeOf(() => verifyBundle(publicGood, bundle, { artifact: readFileSync(join(c.dir, 'artifact')), expect: expectation(c) }));
        assert.equal(got, want);
      });
    }
  }
});

describe('sigstore-conformance via the verify-bundle CLI protocol', () => {
  for (const c of cases) {
    const want = c.expected === 'pass' ? 0 : 1;
    const modes = c.production ? [true, false] : [true];
    for (const withRoot of modes) {
      test(`${c.name} ${withRoot ? '--trusted-root' : 'built-in root'} → exit ${want}`, async () => {
        const r = await cli(cliArgs(c, withRoot, join(c.dir, 'artifact')));
        assert.equal(r.code, want, r.stderr);
        if (want === 1) assert.ok(r.stderr.startsWith(`${EXPECTED_CODES[c.name]}:`), r.stderr);
      });
    }
    test(`${c.name} by sha256 digest → exit ${want}`, async () => {
      const digest = `sha256:${createHash('sha256').update(readFileSync(join(c.dir, 'artifact'))).digest('hex')}`;
      const r = await cli(cliArgs(c, true, digest));
      assert.equal(r.code, want, r.stderr);
    });
  }

  test('--staging without --trusted-root exits 1 (no staging root is built in; TUF is never fetched)', async () => {
    const c = cases.find((x) => x.name === 'happy-path-v0.3') as Case;
    const r = await cli(['verify-bundle', '--staging', ...cliArgs(c, false, join(c.dir, 'artifact')).slice(1)]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.startsWith('TRUST_CONFIG_INVALID:'), r.stderr);
  });

  test('usage errors exit 1', async () => {
    assert.equal((await cli(['verify-bundle', '--bundle', 'x'])).code, 1);
    assert.equal((await cli(['verify-bundle', '--bundle', 'x', '--key', 'k', '--certificate-identity', 'i', '--certificate-oidc-issuer', 'o', 'a'])).code, 1);
    assert.equal((await cli(['verify-bundle', '--bundle', 'x', '--certificate-identity', 'i', 'a'])).code, 1);
  });
});
