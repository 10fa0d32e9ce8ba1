import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicGoodTrustedRoot } from './public-good.ts';
import { readTrustSource } from './trust-config.ts';
import { buildTrust } from './trust.ts';
import { verifyCode as code } from './test-support.ts';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'attestant-trust-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('no config: public-good only', () => {
  assert.deepEqual(readTrustSource(), { publicGood: true, trustedRoots: [], keys: [] });
});

test('reads roots and keys relative to the YAML, and builds', () => {
  withDir((dir) => {
    mkdirSync(join(dir, 'roots'));
    writeFileSync(join(dir, 'roots', 'copy.json'), JSON.stringify(publicGoodTrustedRoot()));
    const pem = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    writeFileSync(join(dir, 'release.pub'), pem);
    writeFileSync(join(dir, 'trust.yaml'), [
      'publicGood: false',
      'trustedRoots:',
      '  - name: copy',
      '    path: roots/copy.json',
      'keys:',
      '  - name: release',
      '    path: release.pub',
      '  - name: inline',
      '    pem: |',
      ...pem.trim().split('\n').map((l) => `      ${l}`),
      '',
    ].join('\n'));
    const source = readTrustSource(join(dir, 'trust.yaml'));
    assert.equal(source.publicGood, false);
    assert.deepEqual(source.trustedRoots.map((r) => r.name), ['copy']);
    assert.deepEqual(source.keys.map((k) => k.name), ['release', 'inline']);
    const trust = buildTrust(source);
    assert.deepEqual(trust.roots, ['copy']);
    assert.deepEqual(trust.keys, ['release', 'inline']);
  });
});

test('config errors → TRUST_CONFIG_INVALID', () => {
  withDir((dir) => {
    const write = (yaml: string): string => {
      const p = join(dir, 'trust.yaml');
      writeFileSync(p, yaml);
      return p;
    };
    assert.equal(code(() => readTrustSource(join(dir, 'missing.yaml'))), 'TRUST_CONFIG_INVALID');
    assert.equal(code(() => readTrustSource(write('publicGood: [1'))), 'TRUST_CONFIG_INVALID');
    assert.equal(code(() => readTrustSource(write('publicGud: true'))), 'TRUST_CONFIG_INVALID');
    assert.equal(code(() => readTrustSource(write('publicGood: "yes"'))), 'TRUST_CONFIG_INVALID');
    assert.equal(code(() => readTrustSource(write('trustedRoots:\n  - name: x\n    path: nope.json'))), 'TRUST_CONFIG_INVALID');
    writeFileSync(join(dir, 'bad.json'), '{');
    assert.equal(code(() => readTrustSource(write('trustedRoots:\n  - name: x\n    path: bad.json'))), 'TRUST_CONFIG_INVALID');
    assert.equal(code(() => readTrustSource(write('keys:\n  - path: k.pub'))), 'TRUST_CONFIG_INVALID');
    assert.equal(code(() => buildTrust(readTrustSource(write('keys:\n  - name: k\n    pem: nonsense')))), 'TRUST_CONFIG_INVALID');
  });
});

test('duplicate names → TRUST_CONFIG_INVALID', () => {
  const pem = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
  assert.equal(code(() => buildTrust({ publicGood: false, trustedRoots: [], keys: [{ name: 'a', pem }, { name: 'a', pem }] })), 'TRUST_CONFIG_INVALID');
  assert.equal(code(() => buildTrust({ publicGood: true, trustedRoots: [{ name: 'public-good', json: publicGoodTrustedRoot() }], keys: [] })), 'TRUST_CONFIG_INVALID');
});
