import { test } from 'node:test';
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { attachTemplate, decisionResponseBytes, DecisionTemplate, sameDecision, sameReasons, type DecisionEventPayload, type DecisionResponse } from './decision-json.ts';
import type { Decision, Reason } from '../policy/index.ts';

// Strings JSON.stringify has to escape: quotes, backslashes, control characters (NUL included),
// the line separators JavaScript once could not hold in a literal, and a lone surrogate.
const TRICKY = ['prod', 'ünïcødé ✓ 🚀', 'a"b\\c', 'line\nbreak\ttab', 'nul\u0000here', 'sep\u2028\u2029', 'lone\ud800', 'ünïcødé ✓'];

const ID = randomUUID();
const DIGEST = `sha256:${'a'.repeat(64)}`;

test('the decision event payload is exactly what JSON.stringify writes, whatever the strings', () => {
  for (const environment of TRICKY) {
    for (const service of [undefined, ...TRICKY]) {
      for (const policy of [undefined, { name: environment, digest: 'sha256:ab' }]) {
        const decision: Decision = { allowed: service === undefined, outcome: service === undefined ? 'allow' : 'deny', mode: 'enforce', policy, reasons: reasons() };
        const reasonsDigest = `sha256:${'c'.repeat(64)}`;
        const template = new DecisionTemplate({ environment, artifact: DIGEST, decision, reasonsJson: JSON.stringify(decision.reasons), reasonsDigest });
        const p: DecisionEventPayload = {
          decisionId: ID, environment, service: service ?? null, allowed: decision.allowed,
          outcome: decision.outcome, mode: decision.mode, policy: policy ?? null, reasonsDigest,
        };
        assert.equal(template.eventPayload(ID, service).text, JSON.stringify(p));
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
    (r) => { r[0]!.evidence = { environment: 'prod' }; },
    (r) => { r[0]!.evidence = { environment: 'prod', policy: 'p', extra: null }; },
    (r) => { (r[1]!.evidence!.nested as Record<string, unknown>) = { m: 1 }; },
    (r) => { r.pop(); },
  ];
  for (const change of changes) {
    const other = reasons();
    change(other);
    assert.equal(sameReasons(reasons(), other), false, String(change));
    assert.notEqual(JSON.stringify(other), JSON.stringify(reasons()), 'every difference found is one JSON.stringify sees');
  }
  // The same members in another order are the same JSON object.
  const reordered = reasons();
  reordered[0]!.evidence = { policy: 'p', environment: 'prod' };
  assert.equal(sameReasons(reasons(), reordered), true);
  assert.deepEqual(JSON.parse(JSON.stringify(reordered)), JSON.parse(JSON.stringify(reasons())));
});

test('sameDecision: the same verdict, policy and reasons; any difference is not', () => {
  const d = (): Decision => ({ allowed: false, outcome: 'deny', mode: 'enforce', policy: { name: 'p', digest: 'sha256:1' }, reasons: reasons() });
  assert.equal(sameDecision(d(), d()), true);
  const changes: Array<(x: Decision) => void> = [
    (x) => { x.allowed = true; },
    (x) => { x.outcome = 'exception'; },
    (x) => { x.mode = 'warn'; },
    (x) => { x.policy = { name: 'p', digest: 'sha256:2' }; },
    (x) => { x.policy = { name: 'q', digest: 'sha256:1' }; },
    (x) => { delete x.policy; },
    (x) => { x.reasons[0]!.message += '.'; },
  ];
  for (const change of changes) {
    const other = d();
    change(other);
    assert.equal(sameDecision(d(), other), false, String(change));
  }
});

test('the decision answer is JSON.stringify of DecisionResult, from its template or without one', () => {
  const base: DecisionResponse = {
    decisionId: ID, allowed: false, outcome: 'deny', mode: 'enforce',
    environment: 'a"b', artifact: DIGEST, reasons: reasons(),
  };
  const variants: DecisionResponse[] = [
    base,
    { ...base, service: 'svc\u2028', policy: { name: 'p"', digest: 'sha256:d' } },
    { ...base, environment: 'ünïcødé ✓ 🚀', service: 'lone\ud800', reasons: [{ rule: 'sbom', outcome: 'fail', message: 'nul\u0000 ✓' }] },
    { ...base, service: 'svc', policy: { name: 'p', digest: 'sha256:d' }, deployment: { id: 'd1', since: '2026-11-22T00:00:00.000Z' } },
  ];
  for (const res of variants) {
    // DecisionResult's property order.
    const expected = JSON.stringify({
      decisionId: res.decisionId, allowed: res.allowed, outcome: res.outcome, mode: res.mode, environment: res.environment,
      artifact: res.artifact, service: res.service, policy: res.policy, reasons: res.reasons, deployment: res.deployment,
    });
    assert.equal(decisionResponseBytes(res).toString('utf8'), expected);
    const withTemplate = { ...res };
    const decision: Decision = { allowed: res.allowed, outcome: res.outcome, mode: res.mode, policy: res.policy, reasons: res.reasons };
    attachTemplate(withTemplate, new DecisionTemplate({ environment: res.environment, artifact: res.artifact, decision, reasonsJson: JSON.stringify(res.reasons), reasonsDigest: 'sha256:0' }));
    assert.ok(decisionResponseBytes(withTemplate).equals(Buffer.from(expected, 'utf8')));
    assert.deepEqual(Object.keys(withTemplate), Object.keys(res), 'the attached template is not a visible property');
  }
});
