import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseStatement, toProvenanceFacts } from '../attest/index.ts';
import { Glob, PolicyError, buildPolicySet, evaluate, parsePolicyFile } from './index.ts';
import type { ArtifactFacts, Decision, LoadedPolicySet, PolicyException, Reason } from './index.ts';

const ATTEST = fileURLToPath(new URL('../../test/fixtures/attest/', import.meta.url));
const POLICIES = fileURLToPath(new URL('../../test/fixtures/policies/', import.meta.url));

const ARTIFACT = 'sha256:376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa';
const NOW = new Date('2025-03-01T00:00:00Z');
const GH_ISSUER = 'https://token.actions.githubusercontent.com';
const GENERATOR = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0';

/** Facts as the storage layer would build them from the real slsa-github-generator provenance. */
function realFacts(): ArtifactFacts {
  const st = parseStatement(readFileSync(ATTEST + 'gha_generic-v2.1.0.statement.json'));
  const p = toProvenanceFacts('slsa-provenance-v0.2', st.predicate);
  assert.equal(st.subjects[0]?.sha256, ARTIFACT);
  return {
    digest: ARTIFACT,
    firstSeenAt: new Date('2025-02-26T00:00:00Z'),
    attestations: [
      {
        id: 'att-prov',
        predicateType: st.predicateType,
        verifiedAt: new Date('2025-02-26T00:00:00Z'),
        integratedTime: new Date('2025-02-25T21:58:51Z'),
        signer: { kind: 'keyless', issuer: GH_ISSUER, identity: GENERATOR, github: { repository: 'slsa-framework/example-package', ref: 'refs/heads/main', trigger: 'workflow_dispatch', runnerEnvironment: 'github-hosted' } },
      },
      { id: 'att-sbom', predicateType: 'https://cyclonedx.org/bom', verifiedAt: new Date('2025-02-27T00:00:00Z'), signer: { kind: 'key', keyName: 'release-key' } },
    ],
    provenance: [
      { attestationId: 'att-prov', builderId: p.builderId, sourceRepo: p.sourceRepo, sourceRef: p.sourceRef, sourceCommit: p.sourceCommit } as ArtifactFacts['provenance'][number],
    ],
    vsas: [],
    sboms: [{ id: 'sbom-1', format: 'cyclonedx', componentCount: 3 }],
    componentsByPackage: new Map([
      ['pkg:npm/left-pad', [{ purl: 'pkg:npm/left-pad@1.3.0', version: '1.3.0', sbomId: 'sbom-1' }]],
      ['pkg:npm/express', [{ purl: 'pkg:npm/express@4.18.2', version: '4.18.2', sbomId: 'sbom-1' }]],
    ]),
  };
}

const HEAD = ['apiVersion: attestant.dev/v1', 'kind: Policy', 'metadata: { name: test }', 'spec:', '  environments: [prod]'];
function policy(mode: string, ...require: string[]): LoadedPolicySet {
  const lines = [...HEAD, `  mode: ${mode}`, ...require];
  return buildPolicySet([parsePolicyFile('test.yaml', lines.join('\n'))]);
}
const REQ = (...l: string[]) => ['  require:', ...l.map((x) => `    ${x}`)];
const DENY = (...l: string[]) => ['  deny:', '    components:', ...l.map((x) => `      - ${x}`)];

const PROVENANCE = REQ(
  'provenance:',
  '  builders: ["https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v*"]',
  '  sourceRepos: ["github.com/slsa-framework/*"]',
  '  refs: ["refs/heads/main"]',
);

function run(set: LoadedPolicySet, facts: ArtifactFacts, exceptions: PolicyException[] = [], env = 'prod'): Decision {
  return evaluate(set, { artifact: facts.digest, environment: env }, facts, exceptions, NOW);
}
function reason(d: Decision, rule: string): Reason {
  const r = d.reasons.find((x) => x.rule === rule);
  assert.ok(r, `no reason for ${rule} in ${JSON.stringify(d.reasons)}`);
  return r;
}

interface Case {
  name: string;
  rule: string;
  policy: string[];
  facts?: (f: ArtifactFacts) => void;
  want: 'pass' | 'fail';
  evidence?: Record<string, unknown>;
}

const CASES: Case[] = [
  // provenance
  { name: 'real generator provenance passes', rule: 'provenance', policy: PROVENANCE, want: 'pass', evidence: { attestationId: 'att-prov', sourceCommit: '4d329c75e7ec1725f7c9ce917a8799d408d06be3' } },
  { name: 'no provenance fails', rule: 'provenance', policy: PROVENANCE, facts: (f) => { f.provenance = []; }, want: 'fail' },
  { name: 'builder from a branch, not a tag, fails', rule: 'provenance', policy: PROVENANCE, facts: (f) => { f.provenance[0]!.builderId = GENERATOR.replace('refs/tags/v2.1.0', 'refs/heads/x/@refs/tags/v1'); }, want: 'fail' },
  { name: 'other source repo fails', rule: 'provenance', policy: PROVENANCE, facts: (f) => { f.provenance[0]!.sourceRepo = 'github.com/evil/example-package'; }, want: 'fail' },
  { name: 'other ref fails', rule: 'provenance', policy: PROVENANCE, facts: (f) => { f.provenance[0]!.sourceRef = 'refs/heads/feature'; }, want: 'fail' },
  { name: 'missing ref fails when refs are required', rule: 'provenance', policy: PROVENANCE, facts: (f) => { delete f.provenance[0]!.sourceRef; }, want: 'fail' },
  { name: 'provenance whose attestation is not in the facts does not count', rule: 'provenance', policy: PROVENANCE, facts: (f) => { f.provenance[0]!.attestationId = 'unverified'; }, want: 'fail' },
  // provenance.minLevel
  {
    name: 'trusted builder at level 3 passes minLevel 3', rule: 'provenance.minLevel', want: 'pass',
    policy: [...PROVENANCE, '      minLevel: 3', '    trustedBuilders:', '      "https://github.com/slsa-framework/slsa-github-generator/**": 3'],
  },
  {
    name: 'builder trusted at level 2 fails minLevel 3', rule: 'provenance.minLevel', want: 'fail',
    policy: [...PROVENANCE, '      minLevel: 3', '    trustedBuilders:', '      "https://github.com/slsa-framework/slsa-github-generator/**": 2'],
  },
  {
    name: 'builder not in trustedBuilders fails minLevel', rule: 'provenance.minLevel', want: 'fail',
    policy: [...PROVENANCE, '      minLevel: 1', '    trustedBuilders:', '      "https://github.com/actions/runner/*": 3'],
  },
  // signers
  { name: 'keyless generator identity passes', rule: 'signers', want: 'pass', evidence: { attestationId: 'att-prov', signer: `${GENERATOR} via ${GH_ISSUER}` },
    policy: REQ('signers:', `  - { issuer: "${GH_ISSUER}", identity: "^https://github\\\\.com/slsa-framework/slsa-github-generator/.+$" }`) },
  { name: 'wrong issuer fails', rule: 'signers', want: 'fail',
    policy: REQ('signers:', '  - { issuer: "https://accounts.google.com", identity: "^https://github\\\\.com/slsa-framework/.+$" }') },
  { name: 'identity is anchored: prefix-only match fails', rule: 'signers', want: 'fail',
    policy: REQ('signers:', `  - { issuer: "${GH_ISSUER}", identity: "^https://github\\\\.com/slsa-framework$" }`) },
  { name: 'github claims must match', rule: 'signers', want: 'fail',
    policy: REQ('signers:', `  - { issuer: "${GH_ISSUER}", identity: "^.+$", github: { ref: "refs/tags/*" } }`) },
  { name: 'github claims pass', rule: 'signers', want: 'pass',
    policy: REQ('signers:', `  - { issuer: "${GH_ISSUER}", identity: "^.+$", github: { repository: "slsa-framework/*", trigger: "workflow_dispatch", runnerEnvironment: "github-hosted" } }`) },
  { name: 'key-signed attestation never satisfies a keyless rule', rule: 'signers', want: 'fail', facts: (f) => { f.attestations = f.attestations.filter((a) => a.signer.kind === 'key'); },
    policy: REQ('signers:', `  - { issuer: "${GH_ISSUER}", identity: "^.*$" }`) },
  // sbom
  { name: 'bound SBOM passes', rule: 'sbom', policy: REQ('sbom: true'), want: 'pass', evidence: { sbomId: 'sbom-1' } },
  { name: 'no SBOM fails', rule: 'sbom', policy: REQ('sbom: true'), facts: (f) => { f.sboms = []; }, want: 'fail' },
  // vsa
  ...vsaCases(),
  // maxAge
  { name: 'young artifact passes (age from attestation integrated time)', rule: 'maxAge', policy: REQ('maxAge: 30d'), want: 'pass', evidence: { ageSource: 'attestation.integratedTime', attestationId: 'att-prov' } },
  { name: 'old artifact fails', rule: 'maxAge', policy: REQ('maxAge: 3d'), want: 'fail' },
  { name: 'provenance finishedOn takes precedence', rule: 'maxAge', policy: REQ('maxAge: 30d'), want: 'fail',
    facts: (f) => { f.provenance[0]!.finishedOn = new Date('2025-01-01T00:00:00Z'); }, evidence: { ageSource: 'provenance.finishedOn' } },
  { name: 'firstSeenAt when nothing else', rule: 'maxAge', policy: REQ('maxAge: 30d'), want: 'pass',
    facts: (f) => { f.attestations = []; f.provenance = []; }, evidence: { ageSource: 'artifact.firstSeenAt' } },
  { name: 'no time at all fails closed', rule: 'maxAge', policy: REQ('maxAge: 30d'), want: 'fail',
    facts: (f) => { f.attestations = []; f.provenance = []; delete f.firstSeenAt; } },
  // deny.components
  { name: 'no denied component passes', rule: 'deny.components', policy: DENY('{ purl: "pkg:npm/event-stream", range: "vers:npm/>=3.3.6|<4.0.0", reason: "compromised" }'), want: 'pass' },
  { name: 'denied version in range fails', rule: 'deny.components', want: 'fail', evidence: { component: 'pkg:npm/event-stream@3.3.6' },
    policy: DENY('{ purl: "pkg:npm/event-stream", range: "vers:npm/>=3.3.6|<4.0.0", reason: "compromised" }'),
    facts: (f) => { f.componentsByPackage.set('pkg:npm/event-stream', [{ purl: 'pkg:npm/event-stream@3.3.6', version: '3.3.6', sbomId: 'sbom-1' }]); } },
  { name: 'version outside range passes', rule: 'deny.components', want: 'pass',
    policy: DENY('{ purl: "pkg:npm/event-stream", range: "vers:npm/>=3.3.6|<4.0.0", reason: "compromised" }'),
    facts: (f) => { f.componentsByPackage.set('pkg:npm/event-stream', [{ purl: 'pkg:npm/event-stream@4.0.1', version: '4.0.1', sbomId: 'sbom-1' }]); } },
  { name: 'no range denies every version', rule: 'deny.components', want: 'fail', evidence: { component: 'pkg:npm/left-pad@1.3.0' },
    policy: DENY('{ purl: "pkg:npm/left-pad", reason: "unpublished" }') },
  { name: 'versioned purl denies only that version', rule: 'deny.components', want: 'pass',
    policy: DENY('{ purl: "pkg:npm/left-pad@1.0.0", reason: "bad build" }') },
  { name: 'unknown version fails closed against a range', rule: 'deny.components', want: 'fail',
    policy: DENY('{ purl: "pkg:npm/event-stream", range: "vers:npm/>=3.3.6|<4.0.0", reason: "compromised" }'),
    facts: (f) => { f.componentsByPackage.set('pkg:npm/event-stream', [{ purl: 'pkg:npm/event-stream', version: null, sbomId: 'sbom-1' }]); } },
  { name: 'unorderable version fails closed', rule: 'deny.components', want: 'fail',
    policy: DENY('{ purl: "pkg:npm/event-stream", range: "vers:npm/>=3.3.6|<4.0.0", reason: "compromised" }'),
    facts: (f) => { f.componentsByPackage.set('pkg:npm/event-stream', [{ purl: 'pkg:npm/event-stream@git-main', version: 'git-main', sbomId: 'sbom-1' }]); } },
  { name: 'rule qualifiers must match', rule: 'deny.components', want: 'pass',
    policy: DENY('{ purl: "pkg:npm/left-pad?repository_url=https://evil.example.com", reason: "typosquat mirror" }') },
];

function vsaCases(): Case[] {
  const withVsa = (v: Partial<ArtifactFacts['vsas'][number]>) => (f: ArtifactFacts) => {
    f.attestations.push({ id: 'att-vsa', predicateType: 'https://slsa.dev/verification_summary/v1', verifiedAt: new Date('2025-02-27T00:00:00Z'), signer: { kind: 'key', keyName: 'verifier' } });
    f.vsas.push({ attestationId: 'att-vsa', verifierId: 'https://example.com/publication_verifier', verificationResult: 'PASSED', verifiedLevels: ['SLSA_BUILD_LEVEL_3'], policyUri: 'https://example.com/example_tarball.policy', ...v });
  };
  const rule = REQ('vsa: { verifier: "https://example.com/*", minLevel: SLSA_BUILD_LEVEL_2, policyUri: "https://example.com/*.policy" }');
  return [
    { name: 'VSA at level 3 satisfies minLevel 2', rule: 'vsa', policy: rule, facts: withVsa({}), want: 'pass', evidence: { attestationId: 'att-vsa' } },
    { name: 'no VSA fails', rule: 'vsa', policy: rule, want: 'fail' },
    { name: 'FAILED VSA fails', rule: 'vsa', policy: rule, facts: withVsa({ verificationResult: 'FAILED', verifiedLevels: ['FAILED'] }), want: 'fail' },
    { name: 'level 1 VSA fails minLevel 2', rule: 'vsa', policy: rule, facts: withVsa({ verifiedLevels: ['SLSA_BUILD_LEVEL_1'] }), want: 'fail' },
    { name: 'other track does not count', rule: 'vsa', policy: rule, facts: withVsa({ verifiedLevels: ['SLSA_SOURCE_LEVEL_3'] }), want: 'fail' },
    { name: 'untrusted verifier fails', rule: 'vsa', policy: rule, facts: withVsa({ verifierId: 'https://evil.example.org/v' }), want: 'fail' },
    { name: 'policy uri must match', rule: 'vsa', policy: rule, facts: withVsa({ policyUri: 'https://example.com/lenient.txt' }), want: 'fail' },
  ];
}

describe('rules (enforce mode)', () => {
  for (const c of CASES) {
    test(`${c.rule}: ${c.name}`, () => {
      const facts = realFacts();
      c.facts?.(facts);
      const d = run(policy('enforce', ...c.policy), facts);
      const r = reason(d, c.rule);
      assert.equal(r.outcome, c.want, r.message);
      assert.ok(r.message.length > 0);
      for (const [k, v] of Object.entries(c.evidence ?? {})) assert.deepEqual(r.evidence?.[k], v, `evidence.${k}`);
      assert.equal(d.allowed, c.want === 'pass');
      assert.equal(d.outcome, c.want === 'pass' ? 'allow' : 'deny');
      assert.equal(d.mode, 'enforce');
      assert.equal(d.policy?.name, 'test');
    });
  }
});

/** One failing case per rule, to run through exceptions and modes. */
const FAILING: Array<{ rule: string; policy: string[]; facts?: (f: ArtifactFacts) => void; component?: string }> = [
  { rule: 'provenance', policy: PROVENANCE, facts: (f) => { f.provenance = []; } },
  { rule: 'signers', policy: REQ('signers:', '  - { issuer: "https://accounts.google.com", identity: "^.+$" }') },
  { rule: 'sbom', policy: REQ('sbom: true'), facts: (f) => { f.sboms = []; } },
  { rule: 'vsa', policy: REQ('vsa: { verifier: "https://example.com/*" }') },
  { rule: 'maxAge', policy: REQ('maxAge: 1h') },
  { rule: 'deny.components', policy: DENY('{ purl: "pkg:npm/left-pad", reason: "unpublished" }'), component: 'pkg:npm/left-pad' },
];

const exception = (over: Partial<PolicyException>): PolicyException => ({
  id: 'ex-1', environment: 'prod', artifact: ARTIFACT, owner: 'alice@example.com', justification: 'vendor fix pending', expiresAt: new Date('2025-03-15T00:00:00Z'), ...over,
});

describe('exceptions and modes, for every rule', () => {
  for (const c of FAILING) {
    const facts = () => { const f = realFacts(); c.facts?.(f); return f; };

    test(`${c.rule}: active artifact exception → outcome exception, allowed`, () => {
      const d = run(policy('enforce', ...c.policy), facts(), [exception({})]);
      const r = reason(d, c.rule);
      assert.equal(r.outcome, 'exception');
      assert.equal(r.evidence?.exceptionId, 'ex-1');
      assert.match(r.message, /ex-1/);
      assert.match(r.message, /alice@example\.com/);
      assert.equal(d.allowed, true);
      assert.equal(d.outcome, 'exception');
    });

    test(`${c.rule}: expired exception does not apply`, () => {
      const d = run(policy('enforce', ...c.policy), facts(), [exception({ expiresAt: new Date('2025-02-28T00:00:00Z') })]);
      const r = reason(d, c.rule);
      assert.equal(r.outcome, 'fail');
      assert.equal(r.evidence?.exceptionId, undefined);
      assert.equal(d.allowed, false);
    });

    test(`${c.rule}: exception expiring exactly now does not apply`, () => {
      const d = run(policy('enforce', ...c.policy), facts(), [exception({ expiresAt: NOW })]);
      assert.equal(reason(d, c.rule).outcome, 'fail');
    });

    test(`${c.rule}: exception for another environment or artifact does not apply`, () => {
      const d = run(policy('enforce', ...c.policy), facts(), [
        exception({ id: 'ex-env', environment: 'staging' }),
        exception({ id: 'ex-art', artifact: 'sha256:' + '0'.repeat(64) }),
      ]);
      assert.equal(reason(d, c.rule).outcome, 'fail');
    });

    test(`${c.rule}: warn mode → allowed, reported as warn`, () => {
      const d = run(policy('warn', ...c.policy), facts());
      assert.equal(reason(d, c.rule).outcome, 'warn');
      assert.equal(d.allowed, true);
      assert.equal(d.outcome, 'warn');
      assert.equal(d.mode, 'warn');
    });

    test(`${c.rule}: dry-run → allowed, records what enforce would say`, () => {
      const d = run(policy('dry-run', ...c.policy), facts());
      const enforce = run(policy('enforce', ...c.policy), facts());
      assert.equal(d.allowed, true);
      assert.equal(d.outcome, 'dry-run-deny');
      assert.equal(d.mode, 'dry-run');
      // Same rule reasons as enforce (the environment line names the mode).
      assert.deepEqual(d.reasons.slice(1), enforce.reasons.slice(1));
    });
  }

  test('component exception waives only the matching component', () => {
    const facts = realFacts();
    facts.componentsByPackage.set('pkg:npm/event-stream', [{ purl: 'pkg:npm/event-stream@3.3.6', version: '3.3.6', sbomId: 'sbom-1' }]);
    const set = policy('enforce', ...DENY('{ purl: "pkg:npm/left-pad", reason: "unpublished" }', '{ purl: "pkg:npm/event-stream", reason: "compromised" }'));
    const ex = exception({ artifact: undefined, component: 'pkg:npm/left-pad@1.3.0' });
    const d = run(set, facts, [ex]);
    const deny = d.reasons.filter((r) => r.rule === 'deny.components');
    assert.deepEqual(deny.map((r) => [r.evidence?.component, r.outcome]), [
      ['pkg:npm/left-pad@1.3.0', 'exception'],
      ['pkg:npm/event-stream@3.3.6', 'fail'],
    ]);
    assert.equal(d.allowed, false);
  });

  test('component exception with another version does not apply; without version it does', () => {
    const set = policy('enforce', ...DENY('{ purl: "pkg:npm/left-pad", reason: "unpublished" }'));
    assert.equal(reason(run(set, realFacts(), [exception({ artifact: undefined, component: 'pkg:npm/left-pad@1.2.0' })]), 'deny.components').outcome, 'fail');
    assert.equal(reason(run(set, realFacts(), [exception({ artifact: undefined, component: 'pkg:npm/left-pad' })]), 'deny.components').outcome, 'exception');
  });

  test('component exception does not waive non-component rules', () => {
    const set = policy('enforce', ...REQ('sbom: true'));
    const facts = realFacts();
    facts.sboms = [];
    assert.equal(reason(run(set, facts, [exception({ artifact: undefined, component: 'pkg:npm/left-pad' })]), 'sbom').outcome, 'fail');
  });

  test('unscoped exception (no artifact, no component) never applies', () => {
    const set = policy('enforce', ...REQ('sbom: true'));
    const facts = realFacts();
    facts.sboms = [];
    assert.equal(reason(run(set, facts, [exception({ artifact: undefined })]), 'sbom').outcome, 'fail');
  });
});

describe('environment', () => {
  test('an environment no policy governs is denied', () => {
    const d = run(policy('enforce'), realFacts(), [], 'dev');
    assert.equal(d.allowed, false);
    assert.equal(d.outcome, 'deny');
    assert.equal(d.policy, undefined);
    assert.deepEqual(d.reasons.map((r) => [r.rule, r.outcome]), [['environment', 'fail']]);
  });

  test('an empty policy set denies everything', () => {
    const d = run(buildPolicySet([]), realFacts());
    assert.equal(d.allowed, false);
    assert.equal(reason(d, 'environment').outcome, 'fail');
  });

  test('facts read without a denied package (read for another policy set) → EVALUATION_INVALID, never a pass', () => {
    const set = policy('enforce', ...DENY('{ purl: "pkg:npm/left-pad", reason: "bad build" }'));
    const scoped = { ...realFacts(), componentsByPackage: new Map(), componentScope: new Set(['pkg:npm/express']) };
    assert.throws(
      () => evaluate(set, { artifact: ARTIFACT, environment: 'prod' }, scoped, [], NOW),
      (e: unknown) => e instanceof PolicyError && e.code === 'EVALUATION_INVALID' && /pkg:npm\/left-pad/.test(e.message),
    );
    // Read for this set, the same facts decide: left-pad is found and denied.
    const left = realFacts().componentsByPackage.get('pkg:npm/left-pad')!;
    const forSet = { ...realFacts(), componentsByPackage: new Map([['pkg:npm/left-pad', left]]), componentScope: set.deniedPackageKeys };
    assert.equal(run(set, forSet).outcome, 'deny');
  });

  test('a policy set names the packages its deny rules name, canonicalised, across policies', () => {
    const a = parsePolicyFile('a.yaml', [...HEAD, '  mode: enforce', ...DENY('{ purl: "pkg:NPM/Left-Pad@1.3.0", reason: r }', '{ purl: "pkg:maven/org.apache.logging.log4j/log4j-core", reason: r }')].join('\n'));
    const b = parsePolicyFile('b.yaml', ['apiVersion: attestant.dev/v1', 'kind: Policy', 'metadata: { name: other }', 'spec:', '  environments: [dev]', '  mode: warn', ...DENY('{ purl: "pkg:npm/left-pad", reason: r }', '{ purl: "pkg:pypi/Django_Rest", reason: r }')].join('\n'));
    assert.deepEqual([...buildPolicySet([a, b]).deniedPackageKeys].sort(), ['pkg:maven/org.apache.logging.log4j/log4j-core', 'pkg:npm/left-pad', 'pkg:pypi/django-rest']);
    assert.equal(buildPolicySet([]).deniedPackageKeys.size, 0);
  });

  test('facts for another artifact → EVALUATION_INVALID, never a decision', () => {
    assert.throws(
      () => evaluate(policy('enforce'), { artifact: 'sha256:' + '1'.repeat(64), environment: 'prod' }, realFacts(), [], NOW),
      (e: unknown) => e instanceof PolicyError && e.code === 'EVALUATION_INVALID',
    );
  });
});

describe('the fixture production policy against the real provenance', () => {
  test('allows the slsa-github-generator artifact and records the policy digest', () => {
    const set = buildPolicySet([parsePolicyFile('production.yaml', readFileSync(POLICIES + 'valid/production.yaml'))]);
    const d = run(set, realFacts());
    assert.deepEqual(
      d.reasons.map((r) => [r.rule, r.outcome]),
      [['environment', 'pass'], ['provenance', 'pass'], ['provenance.minLevel', 'pass'], ['signers', 'pass'], ['sbom', 'pass'], ['maxAge', 'pass'], ['deny.components', 'pass']],
    );
    assert.equal(d.allowed, true);
    assert.equal(d.outcome, 'allow');
    assert.match(d.policy?.digest ?? '', /^sha256:[0-9a-f]{64}$/);
  });
});

describe('glob semantics', () => {
  const table: Array<[string, string, boolean]> = [
    ['https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v*', GENERATOR, true],
    ['https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v*', GENERATOR.replace('refs/tags/v2.1.0', 'refs/heads/main'), false],
    // `*` does not cross `/`: a branch named "x/@refs/tags/v1" must not pass as a tag.
    ['https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v*', 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/a@refs/heads/x/@refs/tags/v1', false],
    ['github.com/acme/*', 'github.com/acme/app', true],
    ['github.com/acme/*', 'github.com/acme/group/app', false],
    ['github.com/acme/**', 'github.com/acme/group/app', true],
    ['refs/tags/v?.*', 'refs/tags/v1.2', true],
    ['refs/tags/v?.*', 'refs/tags/v12.2', false],
    ['refs/heads/main', 'refs/heads/main', true],
    ['refs/heads/main', 'refs/heads/main2', false],
    ['https://example.com/a.b', 'https://example.com/aXb', false],
    ['*', '', true],
  ];
  for (const [pattern, value, want] of table) {
    test(`${pattern} ${want ? 'matches' : 'does not match'} ${value || '(empty)'}`, () => assert.equal(new Glob(pattern).test(value), want));
  }
  test('*** is rejected', () => assert.throws(() => new Glob('a/***')));
});
