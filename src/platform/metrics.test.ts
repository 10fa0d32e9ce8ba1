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
