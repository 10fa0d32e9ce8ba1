import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from './metrics.ts';

async function gauge(m: Metrics, name: string): Promise<number> {
  const g = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name)!;
  return (g.values[0]?.value as number) ?? NaN;
}

test('SLIs are shares over the last 1,000 decisions', async () => {
  const m = new Metrics();
  for (let i = 0; i < 4; i++) m.recordDecisionSli(i < 3, i === 0);
  assert.equal(await gauge(m, 'attestant_decided_artifacts_verified_provenance_ratio'), 0.75);
  assert.equal(await gauge(m, 'attestant_policy_violation_ratio'), 0.25);
  // 1,000 more without provenance and without violations push the first four out of the window.
  for (let i = 0; i < 1000; i++) m.recordDecisionSli(false, false);
  assert.equal(await gauge(m, 'attestant_decided_artifacts_verified_provenance_ratio'), 0);
  assert.equal(await gauge(m, 'attestant_policy_violation_ratio'), 0);
  for (let i = 0; i < 500; i++) m.recordDecisionSli(true, true);
  assert.equal(await gauge(m, 'attestant_decided_artifacts_verified_provenance_ratio'), 0.5);
});

test('decisions are counted per environment, mode and outcome, and each scrape shows the total so far', async () => {
  const m = new Metrics();
  const counts = async () => {
    const c = (await m.registry.getMetricsAsJSON()).find((x) => x.name === 'attestant_decisions_total')!;
    return Object.fromEntries(c.values.map((v) => [`${v.labels.environment} ${v.labels.mode} ${v.labels.outcome}`, v.value]));
  };
  assert.deepEqual(await counts(), {});
  for (let i = 0; i < 3; i++) m.countDecision('prod', 'enforce', 'allow');
  m.countDecision('prod', 'enforce', 'deny');
  m.countDecision('staging', 'warn', 'warn');
  assert.deepEqual(await counts(), { 'prod enforce allow': 3, 'prod enforce deny': 1, 'staging warn warn': 1 });
  // A second scrape with nothing new changes nothing; new decisions add to the totals.
  assert.deepEqual(await counts(), { 'prod enforce allow': 3, 'prod enforce deny': 1, 'staging warn warn': 1 });
  m.countDecision('prod', 'enforce', 'allow');
  m.countDecision('prod', 'dry-run', 'dry-run-deny');
  assert.deepEqual(await counts(), { 'prod enforce allow': 4, 'prod enforce deny': 1, 'staging warn warn': 1, 'prod dry-run dry-run-deny': 1 });
  assert.match(await m.registry.metrics(), /attestant_decisions_total\{environment="prod",mode="enforce",outcome="allow"\} 4\n/);
});
