// The 14 shared sigstore-conformance cases through POST /v1/verify (stateless, stores nothing),
// and one of them through the installed CLI binary (the conformance client protocol).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testApp, mintToken } from '../helpers/app.ts';

const DIR = fileURLToPath(new URL('../fixtures/sigstore-conformance/', import.meta.url));
const t = await testApp();
const readToken = await mintToken(t, ['read']);
const cases = readdirSync(DIR).filter((d) => existsSync(join(DIR, d, 'case.json'))).sort();

test('all 14 conformance cases give their expected result through POST /v1/verify', async () => {
  assert.equal(cases.length, 14);
  const before = (await t.db.pool.query('SELECT count(*)::int AS n FROM document')).rows[0].n;
  for (const name of cases) {
    const dir = join(DIR, name);
    const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { expected: 'pass' | 'fail'; trustedRoot: string };
    const key = existsSync(join(dir, 'key.pub')) ? readFileSync(join(dir, 'key.pub'), 'utf8') : undefined;
    const body: Record<string, unknown> = {
      bundle: readFileSync(join(dir, 'bundle.sigstore.json'), 'utf8'),
      artifactDigest: `sha256:${createHash('sha256').update(readFileSync(join(dir, 'artifact'))).digest('hex')}`,
      expect: key ? { publicKey: key } : { identity: readFileSync(join(dir, 'identity'), 'utf8').trim(), issuer: readFileSync(join(dir, 'issuer'), 'utf8').trim() },
    };
    // "materialised-production": the built-in public-good root must give the answer on its own.
    if (meta.trustedRoot !== 'materialised-production') body.trustedRoot = JSON.parse(readFileSync(join(dir, 'trusted_root.json'), 'utf8'));
    const res = await t.app.inject({ method: 'POST', url: '/v1/verify', headers: { authorization: `Bearer ${readToken}` }, payload: body });
    assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
    assert.equal(res.json().verified, meta.expected === 'pass', `${name}: ${res.body}`);
    if (meta.expected === 'fail') assert.ok(res.json().code, name);
  }
  assert.equal((await t.db.pool.query('SELECT count(*)::int AS n FROM document')).rows[0].n, before, 'verify stores nothing');
});

test('the attestant binary speaks the conformance protocol: exit 0 only when verified', () => {
  const bin = fileURLToPath(new URL('../../bin/attestant.mjs', import.meta.url));
  const run = (name: string, extra: string[] = []) => {
    const dir = join(DIR, name);
    return spawnSync(process.execPath, [bin, 'verify-bundle', '--bundle', join(dir, 'bundle.sigstore.json'),
      '--certificate-identity', readFileSync(join(dir, 'identity'), 'utf8').trim(), '--certificate-oidc-issuer', readFileSync(join(dir, 'issuer'), 'utf8').trim(),
      ...extra, join(dir, 'artifact')], { encoding: 'utf8' });
  };
  const ok = run('happy-path-v0.3');
  assert.equal(ok.status, 0, ok.stderr + ok.stdout);
  const bad = run('signature-mismatch_fail');
  assert.equal(bad.status, 1, bad.stderr + bad.stdout);
  const custom = run('intoto-with-custom-trust-root', ['--trusted-root', join(DIR, 'intoto-with-custom-trust-root', 'trusted_root.json')]);
  assert.equal(custom.status, 0, custom.stderr + custom.stdout);
});
