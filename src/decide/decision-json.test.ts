import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachReasonsJson, decisionEventPayload, decisionResponseBytes, ReasonsJson, sameReasons, type DecisionEventPayload, type DecisionResponse } from './decision-json.ts';
import type { Reason } from '../policy/index.ts';

// Strings JSON.stringify has to escape: quotes, backslashes, control characters (NUL included),
// the line separators JavaScript once could not hold in a literal, and a lone surrogate.
const TRICKY = ['prod', 'ünïcødé ✓ 🚀', 'a"b\\c', 'line\nbreak\ttab', 'nul\u0000here', 'sep\u2028\u2029', 'lone\ud800', 'ünïcødé ✓'];

test('the decision event payload is exactly what JSON.stringify writes, whatever the strings', () => {
  for (const environment of TRICKY) {
    for (const service of [null, ...TRICKY]) {
      for (const policy of [null, { name: environment, digest: 'sha256:ab' }]) {
        const p: DecisionEventPayload = {
          decisionId: '0b7e4bd2-6a1b-4a43-9a7e-6d4f2b0d0c11', environment, service, allowed: service === null,
          outcome: service === null ? 'allow' : 'deny', mode: 'enforce', policy, reasonsDigest: `sha256:${'c'.repeat(64)}`,
        };
        assert.equal(decisionEventPayload(p).text, JSON.stringify(p));
      }
    }
  }
});

const reasons = (): Reason[] => [
  { rule: 'environment', outcome: 'pass', message: 'environment "prod" is governed', evidence: { environment: 'prod', policy: 'p' } },
  { rule: 'deny.components', outcome: 'fail', message: 'pkg:npm/x@1 is denied', evidence: { component: 'pkg:npm/x@1', sbomIds: ['a', 'b'], nested: { n: 1 } } },
  { rule: 'sbom', outcome: 'fail', message: 'no SBOM' },
];

test('sameReasons: equal lists built separately are the same; any difference in any field is not', () => {
  assert.equal(sameReasons(reasons(), reasons()), true);
  const changes: Array<(r: Reason[]) => void> = [
    (r) => { r[0]!.message += '.'; },
    (r) => { r[1]!.outcome = 'exception'; },
    (r) => { r[2]!.rule = 'vsa'; },
    (r) => { (r[1]!.evidence!.sbomIds as string[]).push('c'); },
    (r) => { (r[1]!.evidence!.nested as { n: number }).n = 2; },
    (r) => { r[2]!.evidence = {}; },
    (r) => { r[0]!.evidence = { policy: 'p', environment: 'prod' }; }, // same entries, other order: other text
    (r) => { r.pop(); },
  ];
  for (const change of changes) {
    const other = reasons();
    change(other);
    assert.equal(sameReasons(reasons(), other), false, String(change));
    assert.notEqual(JSON.stringify(other), JSON.stringify(reasons()), 'every difference found is one JSON.stringify sees');
  }
});

test('the decision answer is JSON.stringify of DecisionResult, with or without the stored reasons text', () => {
  const base: DecisionResponse = {
    decisionId: '0b7e4bd2-6a1b-4a43-9a7e-6d4f2b0d0c11', allowed: false, outcome: 'deny', mode: 'enforce',
    environment: 'a"b', artifact: `sha256:${'a'.repeat(64)}`, reasons: reasons(),
  };
  const variants: DecisionResponse[] = [
    base,
    { ...base, service: 'svc\u2028', policy: { name: 'p"', digest: 'sha256:d' } },
    { ...base, service: 'svc', policy: { name: 'p', digest: 'sha256:d' }, deployment: { id: 'd1', since: '2026-11-22T00:00:00.000Z' } },
  ];
  for (const res of variants) {
    // DecisionResult's property order.
    const expected = JSON.stringify({
      decisionId: res.decisionId, allowed: res.allowed, outcome: res.outcome, mode: res.mode, environment: res.environment,
      artifact: res.artifact, service: res.service, policy: res.policy, reasons: res.reasons, deployment: res.deployment,
    });
    assert.ok(decisionResponseBytes(res).equals(Buffer.from(expected, 'utf8')));
    const withText = { ...res };
    attachReasonsJson(withText, new ReasonsJson(JSON.stringify(res.reasons)));
    assert.ok(decisionResponseBytes(withText).equals(Buffer.from(expected, 'utf8')));
    assert.deepEqual(Object.keys(withText), Object.keys(res), 'the attached text is not a visible property');
  }
});
