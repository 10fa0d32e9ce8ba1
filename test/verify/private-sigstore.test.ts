// Bundles we signed ourselves (test/fixtures/private-sigstore/generate.ts):
// a private CA + Rekor-style log, managed P-256 / Ed25519 keys, and one-byte
// tampered variants of each. Every rejection asserts its code.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildTrust, verifyBundle, verifyDsseEnvelope, type Trust, type VerifyErrorCode, type VerifyOptions } from '../../src/verify/index.ts';
import { verifyCode as code } from '../../src/verify/test-support.ts';

const DIR = fileURLToPath(new URL('../fixtures/private-sigstore/', import.meta.url));
const CONFORMANCE = fileURLToPath(new URL('../fixtures/sigstore-conformance/', import.meta.url));
const read = (f: string): Buffer => readFileSync(`${DIR}${f}`);
const text = (f: string): string => read(f).toString('utf8');
const json = <T = Record<string, any>>(f: string): T => JSON.parse(text(f)) as T;

const artifact = read('artifact.txt');
const { identity, issuer } = json<{ identity: string; issuer: string }>('identity.json');
const privateRoot = json('trusted_root.json');

const trust = buildTrust({
  publicGood: true,
  trustedRoots: [{ name: 'private', json: privateRoot }],
  keys: [
    { name: 'release-p256', pem: text('managed-p256.pub') },
    { name: 'release-ed25519', pem: text('managed-ed25519.pub') },
    { name: 'other', pem: text('other-p256.pub') },
  ],
});

/** Flips one bit of the byte at `at` (negative: from the end) of a base64 field. */
function flipB64(value: string, at: number): string {
  const b = Buffer.from(value, 'base64');
  const i = at < 0 ? b.length + at : at;
  b[i] = (b[i] ?? 0) ^ 0x01;
  return b.toString('base64');
}

function tampered(file: string, edit: (b: any) => void): Record<string, unknown> {
  const b = json(file);
  edit(b);
  return b;
}

function swapSubject(payloadB64: string): string {
  const s = JSON.parse(Buffer.from(payloadB64, 'base64').toString('utf8')) as { subject: Array<{ digest: { sha256: string } }> };
  s.subject[0]!.digest.sha256 = 'f'.repeat(64);
  return Buffer.from(JSON.stringify(s)).toString('base64');
}

const keyless: VerifyOptions = { artifact, expect: { identity, issuer } };

describe('private Sigstore: keyless DSSE (private CA + log)', () => {
  const file = 'keyless-dsse.sigstore.json';

  test('verifies against the private root, with identity, tlog and exact payload', () => {
    const v = verifyBundle(trust, read(file), keyless);
    assert.equal(v.signer.kind, 'keyless');
    assert.equal(v.signer.trustedRoot, 'private');
    assert.equal(v.signer.identity, identity);
    assert.equal(v.signer.issuer, issuer);
    assert.equal(v.tlog?.logIndex, '41');
    assert.ok(v.payload?.equals(Buffer.from(json(file).dsseEnvelope.payload as string, 'base64')));
  });

  test('also verifies with only trustedRootJson', () => {
    const bare = buildTrust({ publicGood: false, trustedRoots: [], keys: [] });
    assert.equal(code(() => verifyBundle(bare, read(file), { ...keyless, trustedRootJson: privateRoot })), 'OK');
  });

  const cases: Array<[string, (b: any) => void, VerifyErrorCode]> = [
    ['payload byte flipped', (b) => (b.dsseEnvelope.payload = flipB64(b.dsseEnvelope.payload, 20)), 'VERIFY_SIGNATURE'],
    ['signature byte flipped', (b) => (b.dsseEnvelope.signatures[0].sig = flipB64(b.dsseEnvelope.signatures[0].sig, -3)), 'VERIFY_SIGNATURE'],
    // A certificate altered in its serial no longer carries the CA's signature: no root vouches for it.
    ['certificate byte flipped', (b) => (b.verificationMaterial.certificate.rawBytes = flipB64(b.verificationMaterial.certificate.rawBytes, 20)), 'UNTRUSTED_ROOT'],
    ['inclusion proof hash flipped', (b) => (b.verificationMaterial.tlogEntries[0].inclusionProof.hashes[0] = flipB64(b.verificationMaterial.tlogEntries[0].inclusionProof.hashes[0], 5)), 'VERIFY_TLOG'],
    ['checkpoint signature flipped', (b) => {
      const p = b.verificationMaterial.tlogEntries[0].inclusionProof;
      p.checkpoint.envelope = (p.checkpoint.envelope as string).replace(/ (\S+)\n$/, (_m: string, sig: string) => ` ${flipB64(sig, -2)}\n`);
    }, 'VERIFY_TLOG'],
    ['checkpoint tree size changed', (b) => {
      const p = b.verificationMaterial.tlogEntries[0].inclusionProof;
      p.checkpoint.envelope = (p.checkpoint.envelope as string).replace('\n2\n', '\n3\n');
    }, 'VERIFY_TLOG'],
    ['signed entry timestamp flipped', (b) => {
      const e = b.verificationMaterial.tlogEntries[0];
      e.inclusionPromise.signedEntryTimestamp = flipB64(e.inclusionPromise.signedEntryTimestamp, -3);
    }, 'VERIFY_TLOG'],
    ['integrated time moved', (b) => (b.verificationMaterial.tlogEntries[0].integratedTime = String(Number(b.verificationMaterial.tlogEntries[0].integratedTime) + 1)), 'VERIFY_TLOG'],
    ['subject digest swapped in the payload', (b) => (b.dsseEnvelope.payload = swapSubject(b.dsseEnvelope.payload)), 'VERIFY_SIGNATURE'],
    ['tlog entry removed', (b) => (b.verificationMaterial.tlogEntries = []), 'VERIFY_TLOG'],
  ];
  for (const [name, edit, want] of cases) {
    test(`${name} → ${want}`, () => {
      assert.equal(code(() => verifyBundle(trust, tampered(file, edit), keyless)), want);
    });
  }

  test('validly signed statement for another artifact → SUBJECT_MISMATCH', () => {
    assert.equal(code(() => verifyBundle(trust, read('keyless-dsse-wrong-subject.sigstore.json'), keyless)), 'SUBJECT_MISMATCH');
  });
  test('certificate expired at the log integration time → VERIFY_CERTIFICATE', () => {
    assert.equal(code(() => verifyBundle(trust, read('keyless-dsse-expired.sigstore.json'), keyless)), 'VERIFY_CERTIFICATE');
  });
  test('another identity or issuer → IDENTITY_MISMATCH', () => {
    assert.equal(code(() => verifyBundle(trust, read(file), { artifact, expect: { identity: 'https://example.com/other', issuer } })), 'IDENTITY_MISMATCH');
    assert.equal(code(() => verifyBundle(trust, read(file), { artifact, expect: { identity, issuer: 'https://accounts.google.com' } })), 'IDENTITY_MISMATCH');
    assert.equal(code(() => verifyBundle(trust, read(file), { artifact, expect: { keyName: 'release-p256' } })), 'IDENTITY_MISMATCH');
  });
  test('trust without the private root → UNTRUSTED_ROOT', () => {
    const publicOnly = buildTrust({ publicGood: true, trustedRoots: [], keys: [] });
    assert.equal(code(() => verifyBundle(publicOnly, read(file), keyless)), 'UNTRUSTED_ROOT');
  });
});

describe('private Sigstore: keyless hashedrekord message signature', () => {
  const file = 'keyless-hashedrekord.sigstore.json';
  test('verifies with the artifact bytes and with its digest', () => {
    const v = verifyBundle(trust, read(file), keyless);
    assert.equal(v.envelope, 'message-signature');
    assert.match(v.messageDigest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(code(() => verifyBundle(trust, read(file), { ...keyless, artifact: { digest: v.messageDigest as string } })), 'OK');
  });
  test('another artifact → SUBJECT_MISMATCH', () => {
    assert.equal(code(() => verifyBundle(trust, read(file), { ...keyless, artifact: Buffer.from('other') })), 'SUBJECT_MISMATCH');
  });
  test('no artifact → SUBJECT_MISMATCH (a message signature binds nothing without it)', () => {
    assert.equal(code(() => verifyBundle(trust, read(file), { expect: { identity, issuer } })), 'SUBJECT_MISMATCH');
  });
  test('signature byte flipped → VERIFY_SIGNATURE (bytes and digest forms)', () => {
    const b = tampered(file, (x) => (x.messageSignature.signature = flipB64(x.messageSignature.signature, -3)));
    assert.equal(code(() => verifyBundle(trust, b, keyless)), 'VERIFY_SIGNATURE');
    const digest = `sha256:${Buffer.from(json(file).messageSignature.messageDigest.digest as string, 'base64').toString('hex')}`;
    assert.equal(code(() => verifyBundle(trust, b, { ...keyless, artifact: { digest } })), 'VERIFY_SIGNATURE');
  });
});

describe('managed keys: keyed Sigstore bundles (publicKey hint)', () => {
  for (const [alg, keyName] of [['p256', 'release-p256'], ['ed25519', 'release-ed25519']] as const) {
    const file = `keyed-${alg}.sigstore.json`;
    test(`${alg}: verifies by hint, records the key`, () => {
      const v = verifyBundle(trust, read(file), { artifact });
      assert.equal(v.signer.kind, 'key');
      assert.equal(v.signer.keyName, keyName);
      assert.equal(v.signer.keyId, json(file).verificationMaterial.publicKey.hint);
      assert.equal(code(() => verifyBundle(trust, read(file), { artifact, expect: { keyName } })), 'OK');
      assert.equal(code(() => verifyBundle(trust, read(file), { artifact, expect: { publicKeyPem: text(`managed-${alg}.pub`) } })), 'OK');
    });
    const cases: Array<[string, (b: any) => void, VerifyErrorCode]> = [
      ['payload byte flipped', (b) => (b.dsseEnvelope.payload = flipB64(b.dsseEnvelope.payload, 20)), 'VERIFY_SIGNATURE'],
      ['signature byte flipped', (b) => (b.dsseEnvelope.signatures[0].sig = flipB64(b.dsseEnvelope.signatures[0].sig, -3)), 'VERIFY_SIGNATURE'],
      ['subject digest swapped', (b) => (b.dsseEnvelope.payload = swapSubject(b.dsseEnvelope.payload)), 'VERIFY_SIGNATURE'],
      ['hint of no configured key', (b) => (b.verificationMaterial.publicKey.hint = 'bm8tc3VjaC1rZXk='), 'UNKNOWN_KEY'],
    ];
    for (const [name, edit, want] of cases) {
      test(`${alg}: ${name} → ${want}`, () => {
        assert.equal(code(() => verifyBundle(trust, tampered(file, edit), { artifact })), want);
      });
    }
    test(`${alg}: wrong configured key → VERIFY_SIGNATURE; unknown key name → UNKNOWN_KEY; keyless expectation → IDENTITY_MISMATCH`, () => {
      assert.equal(code(() => verifyBundle(trust, read(file), { artifact, expect: { keyName: 'other' } })), 'VERIFY_SIGNATURE');
      assert.equal(code(() => verifyBundle(trust, read(file), { artifact, expect: { keyName: 'nope' } })), 'UNKNOWN_KEY');
      assert.equal(code(() => verifyBundle(trust, read(file), { artifact, expect: { identity, issuer } })), 'IDENTITY_MISMATCH');
    });
    test(`${alg}: another artifact → SUBJECT_MISMATCH`, () => {
      assert.equal(code(() => verifyBundle(trust, read(file), { artifact: Buffer.from('x') })), 'SUBJECT_MISMATCH');
    });
  }
  test('no keys configured → UNKNOWN_KEY', () => {
    const noKeys = buildTrust({ publicGood: false, trustedRoots: [], keys: [] });
    assert.equal(code(() => verifyBundle(noKeys, read('keyed-p256.sigstore.json'))), 'UNKNOWN_KEY');
  });
  test('conformance managed-key bundle whose log no configured root knows → UNTRUSTED_ROOT', () => {
    const dir = `${CONFORMANCE}managed-key-happy-path/`;
    const noPublicGood = buildTrust({ publicGood: false, trustedRoots: [{ name: 'private', json: privateRoot }], keys: [] });
    const opts = { artifact: readFileSync(`${dir}artifact`), expect: { publicKeyPem: readFileSync(`${dir}key.pub`, 'utf8') } };
    assert.equal(code(() => verifyBundle(noPublicGood, readFileSync(`${dir}bundle.sigstore.json`), opts)), 'UNTRUSTED_ROOT');
    const v = verifyBundle(trust, readFileSync(`${dir}bundle.sigstore.json`), opts);
    assert.equal(v.signer.kind, 'key');
    assert.equal(v.signer.trustedRoot, 'public-good');
    assert.equal(v.envelope, 'message-signature');
  });
  test('conformance managed-key bundle with a valid but different key → VERIFY_SIGNATURE', () => {
    const dir = `${CONFORMANCE}managed-key-happy-path/`;
    const opts = { artifact: readFileSync(`${dir}artifact`), expect: { publicKeyPem: text('other-p256.pub') } };
    assert.equal(code(() => verifyBundle(trust, readFileSync(`${dir}bundle.sigstore.json`), opts)), 'VERIFY_SIGNATURE');
  });
});

describe('managed keys: bare DSSE envelopes', () => {
  for (const [alg, keyName] of [['p256', 'release-p256'], ['ed25519', 'release-ed25519']] as const) {
    const file = `envelope-${alg}.json`;
    test(`${alg}: verifies, keyid first or by name`, () => {
      const v = verifyDsseEnvelope(trust, read(file), { artifact });
      assert.equal(v.signer.keyName, keyName);
      assert.ok(v.payload?.equals(Buffer.from(json(file).payload as string, 'base64')));
      assert.equal(verifyDsseEnvelope(trust, read(file), { keyName }).signer.keyName, keyName);
      // keyid is only a hint: without it every key is tried.
      assert.equal(verifyDsseEnvelope(trust, tampered(file, (e) => (e.signatures[0].keyid = '')), {}).signer.keyName, keyName);
    });
    const cases: Array<[string, (b: any) => void, VerifyErrorCode]> = [
      ['payload byte flipped', (e) => (e.payload = flipB64(e.payload, 20)), 'VERIFY_SIGNATURE'],
      ['signature byte flipped', (e) => (e.signatures[0].sig = flipB64(e.signatures[0].sig, -3)), 'VERIFY_SIGNATURE'],
      ['subject digest swapped', (e) => (e.payload = swapSubject(e.payload)), 'VERIFY_SIGNATURE'],
      ['payloadType changed', (e) => (e.payloadType = 'application/json'), 'VERIFY_SIGNATURE'],
      ['signatures missing', (e) => (e.signatures = []), 'MALFORMED_BUNDLE'],
    ];
    for (const [name, edit, want] of cases) {
      test(`${alg}: ${name} → ${want}`, () => {
        assert.equal(code(() => verifyDsseEnvelope(trust, tampered(file, edit), { artifact })), want);
      });
    }
    test(`${alg}: other key only → UNKNOWN_KEY; named wrong key → VERIFY_SIGNATURE; wrong artifact → SUBJECT_MISMATCH`, () => {
      const otherOnly = buildTrust({ publicGood: false, trustedRoots: [], keys: [{ name: 'other', pem: text('other-p256.pub') }] });
      assert.equal(code(() => verifyDsseEnvelope(otherOnly, read(file))), 'UNKNOWN_KEY');
      assert.equal(code(() => verifyDsseEnvelope(trust, read(file), { keyName: 'other' })), 'VERIFY_SIGNATURE');
      assert.equal(code(() => verifyDsseEnvelope(trust, read(file), { artifact: Buffer.from('x') })), 'SUBJECT_MISMATCH');
    });
  }
  test('not JSON → MALFORMED_BUNDLE', () => {
    assert.equal(code(() => verifyDsseEnvelope(trust, Buffer.from('{"payloadType":'))), 'MALFORMED_BUNDLE');
  });
});

describe('trusted root sanity', () => {
  // Decision: refused when the trust is built (TRUST_CONFIG_INVALID), so a
  // bad root never reaches verification; sigstore-js would silently treat
  // the key as valid since 1970.
  test('a tlog key without validFor.start is refused → TRUST_CONFIG_INVALID', () => {
    const noStart = json('trusted_root-tlog-no-start.json');
    assert.equal(code(() => buildTrust({ publicGood: false, trustedRoots: [{ name: 'bad', json: noStart }], keys: [] })), 'TRUST_CONFIG_INVALID');
    const bare: Trust = buildTrust({ publicGood: false, trustedRoots: [], keys: [] });
    assert.equal(code(() => verifyBundle(bare, read('keyless-dsse.sigstore.json'), { ...keyless, trustedRootJson: noStart })), 'TRUST_CONFIG_INVALID');
  });
});
