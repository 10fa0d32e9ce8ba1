// Attestation ingest end to end (HTTP, Sigstore verification, store) with the real keyless
// slsa-github-generator bundle. Each upload is a distinct document (the same signed bundle with
// different JSON whitespace), so every one is verified and stored.
import { readFileSync } from 'node:fs';
import { connectDatabase } from '../src/platform/database.ts';
import { loadConfig } from '../src/config/index.ts';
import { buildApp } from '../src/app.ts';
import { benchDatabase, percentile, withRatio, type BenchResult } from './harness.ts';

const TOKEN = 'att_bench-admin-token';

export async function runAttestBench(): Promise<BenchResult[]> {
  const bdb = await benchDatabase('attest');
  const db = connectDatabase(bdb.url, { poolSize: 8 });
  const pool = db.pool;
  const app = await buildApp({ config: loadConfig({ ATTESTANT_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent', ATTESTANT_POLICY_DIR: '/nonexistent' }), db, logger: false });
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  try {
    const manifest = JSON.parse(readFileSync('test/fixtures/slsa/manifest.json', 'utf8'));
    const bundle = JSON.parse(readFileSync(`test/fixtures/slsa/${manifest.pairs[0].provenance}`, 'utf8').trim().split('\n')[0]!);
    const N = 300;
    const variants = Array.from({ length: N }, (_, i) => `${JSON.stringify(bundle, null, i % 2 ? 2 : 0)}${' '.repeat(i)}`);
    // Warm up: JIT, trust material caches, prepared statements.
    for (let i = 0; i < 20; i++) await app.inject({ method: 'GET', url: '/healthz' });
    const ingest: number[] = [];
    for (const v of variants) {
      const t0 = performance.now();
      const r = await app.inject({ method: 'POST', url: '/v1/attestations', headers, payload: v });
      ingest.push(performance.now() - t0);
      if (r.statusCode !== 201) throw new Error(`ingest: ${r.statusCode} ${r.body}`);
    }
    const dup: number[] = [];
    for (const v of variants.slice(0, 100)) {
      const t0 = performance.now();
      await app.inject({ method: 'POST', url: '/v1/attestations', headers, payload: v });
      dup.push(performance.now() - t0);
    }
    const health: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      await app.inject({ method: 'GET', url: '/healthz' });
      health.push(performance.now() - t0);
    }
    const healthP50 = percentile(health, 50);
    return [
      withRatio({ name: 'attestation ingest end to end (HTTP + verify + store), p50', value: percentile(ingest.slice(20), 50), unit: 'ms', baseline: { name: 'GET /healthz through the same app', value: healthP50 }, target: '<= 20 ms', note: `p95 ${percentile(ingest.slice(20), 95).toFixed(1)} ms over ${N - 20} distinct uploads` }),
      withRatio({ name: 'attestation re-upload (same bytes, found by digest), p50', value: percentile(dup, 50), unit: 'ms', baseline: { name: 'GET /healthz', value: healthP50 } }),
    ];
  } finally {
    await app.close();
    await db.close();
    await bdb.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatResult } = await import('./harness.ts');
  for (const r of await runAttestBench()) console.log(formatResult(r));
  process.exit(0);
}
