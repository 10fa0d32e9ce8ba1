import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseStatement, toVexFacts } from '../attest/index.ts';
import { vexStatus, type VexDocument } from './vex-status.ts';

// The OpenVEX v0.2.0 spec's example document, wrapped in an in-toto statement (test/fixtures/attest/NOTICE.md).
const spec = parseStatement(readFileSync(new URL('../../test/fixtures/attest/openvex-v0.2.0.statement.json', import.meta.url)));
const E3B0 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const verifiedAt = new Date('2026-11-01T00:00:00Z');

function doc(predicate: unknown, over: Partial<VexDocument> = {}): VexDocument {
  return { attestationId: 'att-1', signer: 'release-p256', verifiedAt, subject: { digest: `sha256:${E3B0}`, name: null }, facts: toVexFacts(predicate), ...over };
}

test('the spec example: a product named by its OCI purl digest, restricted to one subcomponent', () => {
  const d = doc(spec.predicate);
  const hit = vexStatus([d], 'CVE-2023-12345', 'pkg:golang/github.com/example/lib@v1.2.3');
  assert.deepEqual(hit, {
    vulnerability: 'CVE-2023-12345', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path',
    timestamp: '2023-02-01T00:00:00.000Z', attestation: 'att-1', signer: 'release-p256',
  });
  // By alias, and whatever the case.
  assert.equal(vexStatus([d], 'ghsa-xxxx-yyyy-zzzz', 'pkg:golang/github.com/example/lib@v1.2.3')?.status, 'not_affected');
  // Another component of the same product, or another version of the subcomponent: not covered.
  assert.equal(vexStatus([d], 'CVE-2023-12345', 'pkg:golang/github.com/example/other@v1.2.3'), undefined);
  assert.equal(vexStatus([d], 'CVE-2023-12345', 'pkg:golang/github.com/example/lib@v1.2.4'), undefined);
  assert.equal(vexStatus([d], 'CVE-2023-12345', null), undefined);
  // The same document about another artifact: its products do not identify that one.
  assert.equal(vexStatus([{ ...d, subject: { digest: `sha256:${'1'.repeat(64)}`, name: null } }], 'CVE-2023-12345', 'pkg:golang/github.com/example/lib@v1.2.3'), undefined);
  // Another vulnerability.
  assert.equal(vexStatus([d], 'CVE-2023-99999', 'pkg:golang/github.com/example/lib@v1.2.3'), undefined);
});

test('the spec example: a product named by the very name the attestation gives its subject', () => {
  const d = doc(spec.predicate, { subject: { digest: `sha256:${E3B0}`, name: 'pkg:apk/distro/git@2.39.0-r1?arch=x86_64' } });
  const hit = vexStatus([d], 'CVE-2014-123456', 'pkg:npm/anything@1.0.0');
  assert.equal(hit?.status, 'fixed');
  // Inherited from the document (spec §Inheritance).
  assert.equal(hit?.timestamp, new Date('2023-01-08T18:02:03.647787998-06:00').toISOString());
  assert.equal(vexStatus([{ ...d, subject: { ...d.subject, name: 'pkg:apk/distro/git@2.39.0-r1?arch=armv8' } }], 'CVE-2014-123456', 'pkg:npm/anything@1.0.0'), undefined);
});

test('a statement without products is about the attestation\'s subjects; with a hash product, about the one it hashes', () => {
  const noProduct = doc({ timestamp: '2024-01-01T00:00:00Z', statements: [{ vulnerability: { name: 'CVE-1' }, status: 'affected', action_statement: 'upgrade lodash' }] });
  assert.deepEqual(vexStatus([noProduct], 'CVE-1', 'pkg:npm/lodash@4.17.20'), {
    vulnerability: 'CVE-1', status: 'affected', actionStatement: 'upgrade lodash', timestamp: '2024-01-01T00:00:00.000Z', attestation: 'att-1', signer: 'release-p256',
  });
  const byHash = doc({ statements: [{ vulnerability: 'CVE-1', status: 'fixed', products: [{ hashes: { 'sha-256': E3B0.toUpperCase() } }] }] });
  assert.equal(vexStatus([byHash], 'CVE-1', 'pkg:npm/lodash@4.17.20')?.status, 'fixed');
  // No timestamp anywhere: when the attestation was verified.
  assert.equal(vexStatus([byHash], 'CVE-1', 'pkg:npm/lodash@4.17.20')?.timestamp, verifiedAt.toISOString());
  const otherHash = doc({ statements: [{ vulnerability: 'CVE-1', status: 'fixed', products: [{ hashes: { 'sha-256': '2'.repeat(64) } }] }] });
  assert.equal(vexStatus([otherHash], 'CVE-1', 'pkg:npm/lodash@4.17.20'), undefined);
});

test('subcomponents: versionless purls cover every version, qualifiers given must match, v0.0.x statement-level ones count', () => {
  const d = doc({ statements: [
    { vulnerability: 'CVE-2', status: 'not_affected', justification: 'component_not_present', products: [{ '@id': `pkg:oci/app@sha256%3A${E3B0}`, subcomponents: [{ '@id': 'pkg:npm/%40scope/lib' }, { '@id': 'pkg:deb/debian/curl@7.88.1?arch=amd64' }] }] },
    { vulnerability: 'CVE-3', status: 'affected', products: [`pkg:oci/app@sha256:${E3B0}`], subcomponents: ['pkg:npm/left-pad@1.3.0'] },
  ] });
  assert.equal(vexStatus([d], 'CVE-2', 'pkg:npm/%40scope/lib@9.9.9')?.status, 'not_affected');
  assert.equal(vexStatus([d], 'CVE-2', 'pkg:deb/debian/curl@7.88.1?arch=amd64&distro=bookworm')?.status, 'not_affected');
  assert.equal(vexStatus([d], 'CVE-2', 'pkg:deb/debian/curl@7.88.1?arch=arm64'), undefined);
  assert.equal(vexStatus([d], 'CVE-3', 'pkg:npm/left-pad@1.3.0')?.status, 'affected');
  assert.equal(vexStatus([d], 'CVE-3', 'pkg:npm/right-pad@1.3.0'), undefined);
});

test('the latest statement wins, across documents; ties go to the later-verified attestation, then the later statement', () => {
  const older = doc({ timestamp: '2024-01-01T00:00:00Z', statements: [{ vulnerability: 'CVE-4', status: 'under_investigation' }] }, { attestationId: 'a-old' });
  const newer = doc({ timestamp: '2024-02-01T00:00:00Z', statements: [{ vulnerability: 'CVE-4', status: 'not_affected', justification: 'vulnerable_code_not_present' }] }, { attestationId: 'a-new', verifiedAt: new Date('2020-01-01T00:00:00Z') });
  assert.equal(vexStatus([older, newer], 'CVE-4', 'pkg:npm/x@1.0.0')?.attestation, 'a-new');
  assert.equal(vexStatus([newer, older], 'CVE-4', 'pkg:npm/x@1.0.0')?.attestation, 'a-new');
  // The spec's "Updating Statements" example: the added statement, inheriting the newer document date, overrides.
  const updated = doc({ timestamp: '2023-01-09T09:08:42-06:00', statements: [
    { timestamp: '2023-01-08T18:02:03-06:00', vulnerability: { name: 'CVE-2023-12345' }, products: [{ '@id': `pkg:oci/app@sha256%3A${E3B0}` }], status: 'under_investigation' },
    { vulnerability: { name: 'CVE-2023-12345' }, products: [{ '@id': `pkg:oci/app@sha256%3A${E3B0}` }], status: 'fixed' },
  ] });
  assert.equal(vexStatus([updated], 'CVE-2023-12345', 'pkg:npm/x@1.0.0')?.status, 'fixed');
  const same = { timestamp: '2024-03-01T00:00:00Z' };
  const first = doc({ ...same, statements: [{ vulnerability: 'CVE-5', status: 'affected' }, { vulnerability: 'CVE-5', status: 'fixed' }] }, { attestationId: 'first' });
  assert.equal(vexStatus([first], 'CVE-5', 'pkg:npm/x@1.0.0')?.status, 'fixed');
  const later = doc({ ...same, statements: [{ vulnerability: 'CVE-5', status: 'under_investigation' }] }, { attestationId: 'later', verifiedAt: new Date('2026-11-02T00:00:00Z') });
  assert.equal(vexStatus([later, first], 'CVE-5', 'pkg:npm/x@1.0.0')?.attestation, 'later');
  assert.equal(vexStatus([first, later], 'CVE-5', 'pkg:npm/x@1.0.0')?.attestation, 'later');
  // Same time, verified at the same moment: the answer does not depend on the order rows came in.
  const twin = doc({ ...same, statements: [{ vulnerability: 'CVE-5', status: 'not_affected', justification: 'component_not_present' }] }, { attestationId: 'twin' });
  assert.equal(vexStatus([first, twin], 'CVE-5', 'pkg:npm/x@1.0.0')?.attestation, vexStatus([twin, first], 'CVE-5', 'pkg:npm/x@1.0.0')?.attestation);
});
