import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { SeriesHistogram } from './series-histogram.ts';

test('a SeriesHistogram exposes exactly what prom-client\'s Histogram does for the same observations', async () => {
  const buckets = [0.001, 0.01, 0.1, 1];
  const theirs = new Registry();
  const ours = new Registry();
  const reference = new Histogram({ name: 'h_seconds', help: 'help "text"', labelNames: ['method', 'route', 'status'], buckets, registers: [theirs] });
  const subject = new SeriesHistogram({ name: 'h_seconds', help: 'help "text"', labelNames: ['method', 'route', 'status'] as const, buckets, registers: [ours] });
  const observations: Array<[string, string, string, number]> = [
    ['GET', '/a', '200', 0], ['GET', '/a', '200', 0.001], ['GET', '/a', '200', 0.0011], ['GET', '/a', '200', 5],
    ['POST', '/b"\\\n', '503', 0.05], ['POST', '/b"\\\n', '503', 1], ['GET', '/a', '404', 0.2],
  ];
  for (const [m, r, s, v] of observations) {
    reference.labels(m, r, s).observe(v);
    subject.series(m, r, s).observe(v);
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
  ours.resetMetrics();
  theirs.resetMetrics();
  assert.equal(await ours.metrics(), await theirs.metrics());
});

test('a SeriesHistogram refuses what prom-client refuses: a wrong label count, a value that is not a number', () => {
  const h = new SeriesHistogram({ name: 'x', help: 'x', labelNames: ['a'] as const, buckets: [1], registers: [] });
  assert.throws(() => h.series(), TypeError);
  assert.throws(() => h.series('1').observe(Number.NaN), TypeError);
  assert.equal(h.series('1'), h.series('1'), 'one series per label values');
});
