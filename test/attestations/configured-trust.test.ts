// Attestations signed with our own keys and our own private "Sigstore", through the real route,
// with trust coming from ATTESTANT_TRUST_CONFIG: bare DSSE, keyed and keyless bundles, SBOM and
// VSA predicates, .intoto.jsonl, unknown keys, and trust reload without a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testApp } from '../helpers/app.ts';
import { dsse, PRIVATE_SIGSTORE as FIX, statement as statementAbout, writeTrust as writeTrustFile } from '../helpers/sign.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

const dir = scratchDir('attestant-trust-');
const trustFile = join(dir, 'trust.yaml');
const writeTrust = (keys: string[]) => writeTrustFile(trustFile, keys);
writeTrust(['release-p256', 'release-ed25519']);
const policyDir = scratchDir('attestant-trust-policy-');
writeFileSync(join(policyDir, 'p.yaml'), `apiVersion: attestant.dev/v1
kind: Policy
metadata: { name: staging }
spec:
  environments: [staging]
  mode: enforce
  require:
    sbom: true
    vsa: { verifier: "https://verifier.example/*", minLevel: "SLSA_BUILD_LEVEL_2" }
`);
const t = await testApp({ trustConfig: trustFile, policyDir });
const post = (payload: string | Buffer) => t.app.inject({ method: 'POST', url: '/v1/attestations', headers: { ...t.auth(), 'content-type': 'application/json' }, payload });

const SUBJECT = `sha256:${'7a'.repeat(32)}`;
const statement = (predicateType: string, predicate: unknown) => statementAbout({ name: 'app.tar', digest: SUBJECT }, predicateType, predicate);

test('bare DSSE envelopes signed with configured P-256 and Ed25519 keys are verified and recorded by key name', async () => {
  for (const [file, name] of [['envelope-p256.json', 'release-p256'], ['envelope-ed25519.json', 'release-ed25519']] as const) {
    const res = await post(readFileSync(`${FIX}${file}`));
    assert.equal(res.statusCode, 201, `${file}: ${res.body}`);
    assert.equal(res.json().signer.kind, 'key');
    assert.equal(res.json().signer.keyName, name);
  }
});

test('keyless bundles chain to the configured private trusted root, which is recorded', async () => {
  const res = await post(readFileSync(`${FIX}keyless-dsse.sigstore.json`));
  assert.equal(res.statusCode, 201, res.body);
  const identity = JSON.parse(readFileSync(`${FIX}identity.json`, 'utf8'));
  assert.equal(res.json().signer.kind, 'keyless');
  assert.equal(res.json().signer.identity, identity.san ?? identity.identity);
  assert.equal(res.json().signer.trustedRoot, 'private');
  assert.ok(res.json().tlog.logIndex !== undefined);
});

test('an expired certificate is VERIFY_CERTIFICATE, a key nobody configured is UNKNOWN_KEY; nothing is stored', async () => {
  const before = (await t.db.pool.query('SELECT count(*)::int AS n FROM attestation')).rows[0].n;
  const expired = await post(readFileSync(`${FIX}keyless-dsse-expired.sigstore.json`));
  assert.equal(expired.statusCode, 422);
  assert.equal(expired.json().code, 'VERIFY_CERTIFICATE');
  const unknown = await post(JSON.stringify(dsse(statement('https://example.com/x', {}), 'other-p256.key')));
  assert.equal(unknown.statusCode, 422);
  assert.equal(unknown.json().code, 'UNKNOWN_KEY');
  assert.equal((await t.db.pool.query('SELECT count(*)::int AS n FROM attestation')).rows[0].n, before);
});

test('a CycloneDX SBOM predicate goes through SBOM ingest and is bound to the subject', async () => {
  const bom = JSON.parse(readFileSync(new URL('../fixtures/sbom/upstream/cdx-spec-valid-dependency-1.5.json', import.meta.url), 'utf8'));
  const res = await post(JSON.stringify(dsse(statement('https://cyclonedx.org/bom', bom), 'managed-p256.key')));
  assert.equal(res.statusCode, 201, res.body);
  assert.ok(res.json().sbom.id);
  const view = (await t.app.inject({ method: 'GET', url: `/v1/artifacts/${SUBJECT}`, headers: t.auth() })).json();
  assert.equal(view.sboms.length, 1);
  assert.equal(view.sboms[0].attestationId, res.json().id);
  // Its document is the signed envelope it arrived in: the evidence, not a re-serialised predicate.
  const record = (await t.app.inject({ method: 'GET', url: `/v1/sboms/${res.json().sbom.id}`, headers: t.auth() })).json();
  assert.equal(record.attestationId, res.json().id);
  const doc = await t.app.inject({ method: 'GET', url: `/v1/sboms/${res.json().sbom.id}/document`, headers: t.auth() });
  assert.equal(doc.statusCode, 200);
  assert.match(String(doc.headers['content-type']), /^application\/vnd\.dsse\.envelope\.v1\+json/);
  assert.equal(doc.headers.etag, `"${res.json().digest}"`);
  const comp = bom.components.find((c: { purl?: string }) => c.purl);
  if (comp) {
    const usage = (await t.app.inject({ method: 'GET', url: `/v1/components/usage?purl=${encodeURIComponent(comp.purl)}`, headers: t.auth() })).json();
    assert.ok(usage.matches.some((m: { artifact: { digest: string } }) => m.artifact?.digest === SUBJECT));
  }
});

test('a VSA from a named verifier satisfies the vsa rule; .intoto.jsonl with two envelopes stores both', async () => {
  const vsa = { verifier: { id: 'https://verifier.example/slsa' }, timeVerified: '2026-11-01T00:00:00Z', resourceUri: 'oci://app', policy: { uri: 'https://verifier.example/policy' }, verificationResult: 'PASSED', verifiedLevels: ['SLSA_BUILD_LEVEL_3'], slsaVersion: '1.0' };
  const lines = [
    JSON.stringify(dsse(statement('https://slsa.dev/verification_summary/v1', vsa), 'managed-p256.key')),
    JSON.stringify(dsse(statement('https://example.com/custom/v1', { note: 'stored with its type' }), 'managed-ed25519.key')),
  ].join('\n');
  const res = await post(lines);
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().attestations.length, 2);
  assert.deepEqual(res.json().attestations.map((a: { predicateType: string }) => a.predicateType), ['https://slsa.dev/verification_summary/v1', 'https://example.com/custom/v1']);
  const d = (await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: t.auth(), payload: { artifact: SUBJECT, environment: 'staging' } })).json();
  assert.equal(d.allowed, true, JSON.stringify(d.reasons));
  assert.equal(d.reasons.find((r: { rule: string }) => r.rule === 'vsa').outcome, 'pass');
});

test('trust reloads without a restart: a removed key stops verifying', async () => {
  writeTrust(['release-ed25519']);
  const reload = await t.app.inject({ method: 'POST', url: '/v1/admin/reload', headers: t.auth() });
  assert.equal(reload.statusCode, 200, reload.body);
  assert.deepEqual(reload.json().trust.keys, ['release-ed25519']);
  const res = await post(JSON.stringify(dsse(statement('https://example.com/y', { n: 1 }), 'managed-p256.key')));
  assert.equal(res.statusCode, 422);
  assert.equal(res.json().code, 'UNKNOWN_KEY');
  writeFileSync(trustFile, 'publicGood: maybe\n');
  const bad = await t.app.inject({ method: 'POST', url: '/v1/admin/reload', headers: t.auth() });
  assert.equal(bad.statusCode, 422);
  assert.equal(bad.json().code, 'TRUST_CONFIG_INVALID');
});

test('keyed Sigstore bundles (publicKey hint) verify with the configured key of that name', async () => {
  writeTrust(['release-p256', 'release-ed25519']);
  assert.equal((await t.app.inject({ method: 'POST', url: '/v1/admin/reload', headers: t.auth() })).statusCode, 200);
  for (const [file, name] of [['keyed-p256.sigstore.json', 'release-p256'], ['keyed-ed25519.sigstore.json', 'release-ed25519']] as const) {
    const res = await post(readFileSync(`${FIX}${file}`));
    assert.ok([200, 201].includes(res.statusCode), `${file}: ${res.body}`);
    assert.equal(res.json().signer.kind, 'key');
    assert.equal(res.json().signer.keyName, name);
  }
});
