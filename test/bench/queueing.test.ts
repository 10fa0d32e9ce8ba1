import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanWaitMs, rateForP99 } from '../../bench/queueing.ts';

test("Little's law: 64 connections answered 8,000 times a second wait 8 ms on average", () => {
  assert.equal(meanWaitMs(64, 8000), 8);
});

test('the rate a p99 target needs follows the rounds\' median tail shape', () => {
  // Tails (p99 over the mean wait): 20 / 8 = 2.5, 12 / 4 = 3, 40 / 16 = 2.5; median 2.5.
  const rounds = [{ p99Ms: 20, rate: 8000 }, { p99Ms: 12, rate: 16000 }, { p99Ms: 40, rate: 4000 }];
  const need = rateForP99(rounds, 64, 10);
  assert.equal(need.tail, 2.5);
  // A p99 of 10 ms at 2.5 times the mean needs a mean of 4 ms: 64 connections / 4 ms.
  assert.equal(need.rate, 16000);
  // A looser target needs less.
  assert.equal(rateForP99(rounds, 64, 20).rate, 8000);
});
