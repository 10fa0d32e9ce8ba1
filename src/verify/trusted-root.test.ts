import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VerifyError } from './error.ts';
import { publicGoodTrustedRoot } from './public-good.ts';
import { prepareRoot } from './trusted-root.ts';

type Root = Record<string, any>;
const base = (): Root => structuredClone(publicGoodTrustedRoot()) as Root;
const code = (json: unknown): string => {
  try {
    prepareRoot('t', json);
    return 'OK';
  } catch (e) {
    assert.ok(e instanceof VerifyError);
    return e.code;
  }
};

test('the built-in public-good root (from @sigstore/tuf seeds.json) prepares offline', () => {
  const root = prepareRoot('public-good', publicGoodTrustedRoot());
  assert.ok(root.caCerts.length > 0);
  assert.ok(root.logIds.size > 0);
  assert.equal(root.hasCtlogs, true);
});

test('a tlog or ctlog key without validFor.start is refused (sigstore-js would date it 1970)', () => {
  const noTlogStart = base();
  delete noTlogStart.tlogs[0].publicKey.validFor.start;
  assert.equal(code(noTlogStart), 'TRUST_CONFIG_INVALID');
  const noValidFor = base();
  delete noValidFor.tlogs[0].publicKey.validFor;
  assert.equal(code(noValidFor), 'TRUST_CONFIG_INVALID');
  const noCtStart = base();
  delete noCtStart.ctlogs[0].publicKey.validFor;
  assert.equal(code(noCtStart), 'TRUST_CONFIG_INVALID');
  const badDate = base();
  badDate.tlogs[0].publicKey.validFor.start = 'yesterday';
  assert.equal(code(badDate), 'TRUST_CONFIG_INVALID');
});

test('malformed roots are refused', () => {
  assert.equal(code(null), 'TRUST_CONFIG_INVALID');
  assert.equal(code({ ...base(), mediaType: 'application/json' }), 'TRUST_CONFIG_INVALID');
  const noLogId = base();
  delete noLogId.tlogs[0].logId;
  assert.equal(code(noLogId), 'TRUST_CONFIG_INVALID');
  const emptyChain = base();
  emptyChain.certificateAuthorities[0].certChain.certificates = [];
  assert.equal(code(emptyChain), 'TRUST_CONFIG_INVALID');
  const badKey = base();
  badKey.tlogs[0].publicKey.rawBytes = Buffer.from('not a key').toString('base64');
  assert.equal(code(badKey), 'TRUST_CONFIG_INVALID');
  const badCert = base();
  badCert.certificateAuthorities[0].certChain.certificates[0].rawBytes = Buffer.from('not a cert').toString('base64');
  assert.equal(code(badCert), 'TRUST_CONFIG_INVALID');
});
