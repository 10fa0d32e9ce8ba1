import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AttestError,
  classifyPredicate,
  normaliseSourceUri,
  parseStatement,
  toProvenanceFacts,
  toVsaFacts,
} from './index.ts';
import type { PredicateKind } from './index.ts';

const FIX = fileURLToPath(new URL('../../test/fixtures/attest/', import.meta.url));
const fixture = (name: string): Buffer => readFileSync(FIX + name);

function assertAttestError(fn: () => unknown, code: string, pointer?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AttestError, `expected AttestError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (pointer !== undefined) assert.equal(e.pointer, pointer);
    return true;
  });
}

interface ManifestPair {
  id: string;
  statementType: string;
  predicateType: string;
  expectedBuilderId: string;
  expectedSourceUri: string;
  expectedSourceRepo: string;
  expectedSourceRef: string;
  expectedSourceCommit: string;
  expectedSubjectDigest: string;
}
const manifest = JSON.parse(fixture('slsa-manifest.json').toString('utf8')) as { pairs: ManifestPair[] };
const FILE_OF: Record<string, string> = {
  'gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch': 'gha_generic-v2.1.0.statement.json',
  'gha_container-based/v2.1.0/binary-linux-amd64-workflow_dispatch': 'gha_container-based-v2.1.0.statement.json',
};

describe('real slsa-github-generator provenance (slsa-verifier testdata)', () => {
  assert.equal(manifest.pairs.length, 2);
  for (const pair of manifest.pairs) {
    test(pair.id, () => {
      const file = FILE_OF[pair.id];
      assert.ok(file, `no fixture mapped for ${pair.id}`);
      const st = parseStatement(fixture(file));
      assert.equal(st.statementType, pair.statementType);
      assert.equal(st.predicateType, pair.predicateType);
      assert.deepEqual(st.subjects.map((s) => s.sha256), [pair.expectedSubjectDigest]);
      const kind = classifyPredicate(st.predicateType);
      assert.ok(kind === 'slsa-provenance-v0.2' || kind === 'slsa-provenance-v1');
      const f = toProvenanceFacts(kind, st.predicate);
      assert.equal(f.builderId, pair.expectedBuilderId);
      assert.equal(f.sourceUri, pair.expectedSourceUri);
      assert.equal(f.sourceRepo, pair.expectedSourceRepo);
      assert.equal(f.sourceRef, pair.expectedSourceRef);
      assert.equal(f.sourceCommit, pair.expectedSourceCommit);
      assert.equal(f.runId, '13531731005');
    });
  }

  test('v0.2 specifics: buildType, invocation id, materials', () => {
    const st = parseStatement(fixture('gha_generic-v2.1.0.statement.json'));
    const f = toProvenanceFacts('slsa-provenance-v0.2', st.predicate);
    assert.equal(f.buildType, 'https://github.com/slsa-framework/slsa-github-generator/generic@v1');
    assert.equal(f.invocationId, '13531731005-1');
    assert.deepEqual(f.materials, [
      { uri: 'git+https://github.com/slsa-framework/example-package@refs/heads/main', digest: { sha1: '4d329c75e7ec1725f7c9ce917a8799d408d06be3' } },
    ]);
  });

  test('v1 container-based: invocation id URL and resolved dependencies', () => {
    const st = parseStatement(fixture('gha_container-based-v2.1.0.statement.json'));
    const f = toProvenanceFacts('slsa-provenance-v1', st.predicate);
    assert.equal(f.buildType, 'https://slsa.dev/container-based-build/v0.1?draft');
    assert.equal(f.invocationId, 'https://github.com/slsa-framework/example-package/actions/runs/13531731005/attempts/1');
    assert.equal(f.materials.length, 2);
  });
});

describe('hand-written spec examples', () => {
  test('v1 provenance with the GitHub Actions workflow buildType', () => {
    const st = parseStatement(fixture('gha-workflow-v1.statement.json'));
    assert.equal(classifyPredicate(st.predicateType), 'slsa-provenance-v1');
    const f = toProvenanceFacts('slsa-provenance-v1', st.predicate);
    assert.equal(f.builderId, 'https://github.com/actions/runner/github-hosted');
    assert.equal(f.buildType, 'https://actions.github.io/buildtypes/workflow/v1');
    assert.equal(f.sourceRepo, 'github.com/octocat/hello-world');
    assert.equal(f.sourceRef, 'refs/heads/main');
    assert.equal(f.sourceCommit, 'c27d339ee6075c1f744c5d4b200f7901aad2c369');
    assert.equal(f.sourceUri, 'git+https://github.com/octocat/hello-world@refs/heads/main');
    assert.equal(f.runId, '1536140711');
    assert.deepEqual(f.startedOn, new Date('2023-01-01T12:34:56Z'));
    assert.deepEqual(f.finishedOn, new Date('2023-01-01T12:40:01Z'));
  });

  test('v1 runId from internalParameters.github.run_id when invocationId is not a run URL', () => {
    const f = toProvenanceFacts('slsa-provenance-v1', {
      buildDefinition: { buildType: 'https://example.com/bt', internalParameters: { github: { run_id: '42' } } },
      runDetails: { builder: { id: 'https://b' }, metadata: { invocationId: 'opaque' } },
    });
    assert.equal(f.runId, '42');
    assert.equal(f.sourceRepo, undefined);
  });

  test('v1 falls back to the first pinned git dependency', () => {
    const f = toProvenanceFacts('slsa-provenance-v1', {
      buildDefinition: {
        buildType: 'https://example.com/bt',
        externalParameters: {},
        resolvedDependencies: [
          { uri: 'https://example.com/tool.tar.gz', digest: { sha256: 'ab' } },
          { uri: 'git+https://gitlab.com/g/sub/r.git@refs/tags/v1.0.0', digest: { gitCommit: '4d329c75e7ec1725f7c9ce917a8799d408d06be3' } },
        ],
      },
      runDetails: { builder: { id: 'https://b' } },
    });
    assert.equal(f.sourceRepo, 'gitlab.com/g/sub/r');
    assert.equal(f.sourceRef, 'refs/tags/v1.0.0');
    assert.equal(f.sourceCommit, '4d329c75e7ec1725f7c9ce917a8799d408d06be3');
  });

  test('VSA v1 example from the spec', () => {
    const st = parseStatement(fixture('vsa-v1.statement.json'));
    assert.equal(classifyPredicate(st.predicateType), 'slsa-vsa-v1');
    const v = toVsaFacts(st.predicate);
    assert.deepEqual(v, {
      verifierId: 'https://example.com/publication_verifier',
      timeVerified: new Date('1985-04-12T23:20:50.52Z'),
      resourceUri: 'https://example.com/example-1.2.3.tar.gz',
      policyUri: 'https://example.com/example_tarball.policy',
      verificationResult: 'PASSED',
      verifiedLevels: ['SLSA_BUILD_LEVEL_3'],
      slsaVersion: '1.0',
    });
  });

  test('statement v1 with several subjects', () => {
    const st = parseStatement(fixture('multi-subject-v1.statement.json'));
    assert.equal(st.statementType, 'https://in-toto.io/Statement/v1');
    assert.equal(st.subjects.length, 3);
    assert.deepEqual(st.subjects.map((s) => s.sha256), [
      'sha256:376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa',
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      undefined,
    ]);
    assert.equal(st.subjects[2]?.digest['gitCommit'], '4d329c75e7ec1725f7c9ce917a8799d408d06be3');
    assert.equal(classifyPredicate(st.predicateType), 'openvex');
  });
});

describe('malformed statements', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['malformed-missing-digest.statement.json', 'STATEMENT_INVALID', '/subject/2/digest'],
    ['malformed-bad-type.statement.json', 'STATEMENT_INVALID', '/_type'],
    ['malformed-not-json.statement.json', 'STATEMENT_INVALID', ''],
    ['malformed-upper-hex.statement.json', 'STATEMENT_INVALID', '/subject/0/digest/sha256'],
  ];
  for (const [file, code, pointer] of cases) {
    test(file, () => assertAttestError(() => parseStatement(fixture(file)), code, pointer));
  }

  const inline: Array<[string, unknown, string]> = [
    ['array, not object', [], ''],
    ['empty subject list', { _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'x' }, '/subject'],
    ['empty digest set', { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'a', digest: {} }], predicateType: 'x' }, '/subject/0/digest'],
    ['short sha256', { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'a', digest: { sha256: 'abcd' } }], predicateType: 'x' }, '/subject/0/digest/sha256'],
    ['missing predicateType', { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'a', digest: { sha1: '4d329c75e7ec1725f7c9ce917a8799d408d06be3' } }] }, '/predicateType'],
    ['predicate not an object', { _type: 'https://in-toto.io/Statement/v0.1', subject: [{ name: 'a', digest: { sha1: '4d329c75e7ec1725f7c9ce917a8799d408d06be3' } }], predicateType: 'x', predicate: 'no' }, '/predicate'],
  ];
  for (const [name, doc, pointer] of inline) {
    test(name, () => assertAttestError(() => parseStatement(Buffer.from(JSON.stringify(doc))), 'STATEMENT_INVALID', pointer));
  }

  test('invalid UTF-8 is rejected, not replaced', () => {
    assertAttestError(() => parseStatement(Buffer.from([0x7b, 0xff, 0x7d])), 'STATEMENT_INVALID');
  });

  test('provenance without builder id → PREDICATE_INVALID with pointer', () => {
    assertAttestError(() => toProvenanceFacts('slsa-provenance-v0.2', { builder: {} }), 'PREDICATE_INVALID', '/predicate/builder/id');
    assertAttestError(() => toProvenanceFacts('slsa-provenance-v1', { runDetails: {} }), 'PREDICATE_INVALID', '/predicate/runDetails/builder/id');
    assertAttestError(
      () => toProvenanceFacts('slsa-provenance-v1', { runDetails: { builder: { id: 'x' }, metadata: { finishedOn: 'yesterday' } } }),
      'PREDICATE_INVALID',
      '/predicate/runDetails/metadata/finishedOn',
    );
  });

  test('VSA with bad verificationResult → PREDICATE_INVALID', () => {
    assertAttestError(() => toVsaFacts({ verifier: { id: 'v' }, verificationResult: 'OK', verifiedLevels: [] }), 'PREDICATE_INVALID', '/predicate/verificationResult');
    assertAttestError(() => toVsaFacts({ verificationResult: 'PASSED', verifiedLevels: [] }), 'PREDICATE_INVALID', '/predicate/verifier');
  });
});

describe('classifyPredicate', () => {
  const table: Array<[string, PredicateKind]> = [
    ['https://slsa.dev/provenance/v0.2', 'slsa-provenance-v0.2'],
    ['https://slsa.dev/provenance/v1', 'slsa-provenance-v1'],
    ['https://slsa.dev/provenance/v1?draft', 'slsa-provenance-v1'],
    ['https://slsa.dev/verification_summary/v1', 'slsa-vsa-v1'],
    ['https://cyclonedx.org/bom', 'cyclonedx'],
    ['https://cyclonedx.org/bom/v1.5', 'cyclonedx'],
    ['https://cyclonedx.org/bom/1.6', 'cyclonedx'],
    ['https://spdx.dev/Document', 'spdx'],
    ['https://spdx.dev/Document/v2.3', 'spdx'],
    ['https://openvex.dev/ns', 'openvex'],
    ['https://openvex.dev/ns/v0.2.0', 'openvex'],
    ['https://slsa.dev/provenance/v0.1', 'other'],
    ['https://in-toto.io/attestation/test-result/v0.1', 'other'],
    ['https://cyclonedx.org/bomb', 'other'],
  ];
  for (const [t, kind] of table) test(t, () => assert.equal(classifyPredicate(t), kind));
});

describe('normaliseSourceUri', () => {
  const table: Array<[string, ReturnType<typeof normaliseSourceUri>]> = [
    ['git+https://github.com/o/r@refs/heads/main', { repo: 'github.com/o/r', ref: 'refs/heads/main' }],
    ['git+https://github.com/o/r.git@4d329c75e7ec1725f7c9ce917a8799d408d06be3', { repo: 'github.com/o/r', commit: '4d329c75e7ec1725f7c9ce917a8799d408d06be3' }],
    ['https://GitHub.com/o/r', { repo: 'github.com/o/r' }],
    ['https://github.com/o/r/', { repo: 'github.com/o/r' }],
    ['git+ssh://git@github.com/o/r.git#refs/tags/v1', { repo: 'github.com/o/r', ref: 'refs/tags/v1' }],
    ['github.com/o/r', { repo: 'github.com/o/r' }],
    ['git@github.com:o/r.git', { repo: 'github.com/o/r' }],
  ];
  for (const [uri, want] of table) test(uri, () => assert.deepEqual(normaliseSourceUri(uri), want));
});
