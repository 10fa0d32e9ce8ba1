// Real SLSA provenance made by slsa-github-generator v2.1.0 (keyless, GitHub Actions).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildTrust, verifyBundle, VerifyError } from '../../src/verify/index.ts';

const DIR = fileURLToPath(new URL('../fixtures/slsa/', import.meta.url));
interface Pair { id: string; artifact: string; provenance: string; expectedBuilderId: string; expectedSourceRepo: string; expectedSourceRef: string; expectedSourceCommit: string; expectedSubjectDigest: string }
const manifest = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as { pairs: Pair[] };
const trust = buildTrust({ publicGood: true, trustedRoots: [], keys: [] });

describe('SLSA provenance bundles', () => {
  for (const pair of manifest.pairs) {
    test(`${pair.id} verifies, with GitHub claims and the exact payload`, () => {
      const raw = readFileSync(`${DIR}${pair.provenance}`);
      const artifact = readFileSync(`${DIR}${pair.artifact}`);
      const v = verifyBundle(trust, raw, {
        artifact,
        expect: { identity: pair.expectedBuilderId, issuer: 'https://token.actions.githubusercontent.com' },
      });
      assert.equal(v.envelope, 'dsse');
      assert.equal(v.payloadType, 'application/vnd.in-toto+json');
      assert.equal(v.signer.kind, 'keyless');
      assert.equal(v.signer.trustedRoot, 'public-good');
      assert.equal(v.signer.identity, pair.expectedBuilderId);
      assert.equal(v.signer.github?.repository, `https://${pair.expectedSourceRepo}`);
      assert.equal(v.signer.github?.ref, pair.expectedSourceRef);
      assert.equal(v.signer.github?.sha, pair.expectedSourceCommit);
      assert.equal(v.signer.github?.trigger, 'workflow_dispatch');
      assert.ok(v.tlog?.integratedTime instanceof Date);
      // Byte-exact: the payload is the base64-decoded envelope payload.
      const bundle = JSON.parse(raw.toString('utf8')) as { dsseEnvelope: { payload: string } };
      assert.ok(v.payload?.equals(Buffer.from(bundle.dsseEnvelope.payload, 'base64')));
      const statement = JSON.parse((v.payload as Buffer).toString('utf8')) as { subject: Array<{ digest: { sha256: string } }> };
      assert.equal(`sha256:${statement.subject[0]?.digest.sha256}`, pair.expectedSubjectDigest);
    });

    test(`${pair.id}: a RegExp identity works, a wrong one is IDENTITY_MISMATCH`, () => {
      const raw = readFileSync(`${DIR}${pair.provenance}`);
      verifyBundle(trust, raw, { expect: { identity: /^https:\/\/github\.com\/slsa-framework\/slsa-github-generator\//, issuer: 'https://token.actions.githubusercontent.com' } });
      assert.throws(
        () => verifyBundle(trust, raw, { expect: { identity: pair.expectedBuilderId, issuer: 'https://accounts.google.com' } }),
        (e: unknown) => e instanceof VerifyError && e.code === 'IDENTITY_MISMATCH',
      );
    });

    test(`${pair.id}: another artifact is SUBJECT_MISMATCH`, () => {
      const raw = readFileSync(`${DIR}${pair.provenance}`);
      assert.throws(
        () => verifyBundle(trust, raw, { artifact: Buffer.from('not the artifact') }),
        (e: unknown) => e instanceof VerifyError && e.code === 'SUBJECT_MISMATCH',
      );
      verifyBundle(trust, raw, { artifact: { digest: pair.expectedSubjectDigest } });
    });

    test(`${pair.id}: without the public-good root it is UNTRUSTED_ROOT`, () => {
      const raw = readFileSync(`${DIR}${pair.provenance}`);
      const empty = buildTrust({ publicGood: false, trustedRoots: [], keys: [] });
      assert.throws(() => verifyBundle(empty, raw), (e: unknown) => e instanceof VerifyError && e.code === 'UNTRUSTED_ROOT');
    });
  }
});
