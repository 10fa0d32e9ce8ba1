// npm run bench [-- name...]: runs the benchmarks (all, or those named) and prints every figure
// with its same-run baseline and ratio.
import { formatResult, type BenchResult } from './harness.ts';

const suites: Record<string, () => Promise<BenchResult[]>> = {
  ingest: async () => (await import('./ingest.bench.ts')).runIngestBench(),
  usage: async () => (await import('./usage.bench.ts')).runUsageBench(),
  verify: async () => (await import('./verify.bench.ts')).runVerifyBench(),
  attest: async () => (await import('./attest.bench.ts')).runAttestBench(),
  decisions: async () => (await import('./decisions.bench.ts')).runDecisionsBench(),
};

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(suites);
let failed = false;
for (const name of names) {
  const suite = suites[name];
  if (!suite) { console.error(`unknown bench ${name}; known: ${Object.keys(suites).join(', ')}`); process.exit(2); }
  console.log(`\n## ${name}`);
  try {
    for (const r of await suite()) console.log(formatResult(r));
  } catch (err) {
    failed = true;
    console.error(`bench ${name} failed:`, err);
  }
}
process.exit(failed ? 1 : 0);
