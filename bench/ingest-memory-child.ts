// Child process of bench/ingest.bench.ts: ingests one large SBOM file through app.inject and reports
// RSS as JSON on stdout. Run alone:
//   BENCH_DB_URL=postgresql://... BENCH_SBOM_FILE=/tmp/x.json node --expose-gc --import tsx bench/ingest-memory-child.ts
// RSS is sampled every 10 ms from a worker thread (the main thread is blocked during JSON.parse and
// hashing, so a timer on it would miss the peak), and the kernel's high-water mark (VmHWM, reset
// through /proc/self/clear_refs just before the request) is reported as well.
import { readFileSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { benchApp, openBenchDb, AUTH } from './bench-app.ts';

function vmHwmBytes(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch { return undefined; }
}

const url = process.env.BENCH_DB_URL;
const file = process.env.BENCH_SBOM_FILE;
if (!url || !file) throw new Error('BENCH_DB_URL and BENCH_SBOM_FILE are required');

const db = openBenchDb(url, 4);
const app = await benchApp(db, { ATTESTANT_BODY_LIMIT: '64mb' });
await app.inject({ method: 'GET', url: '/healthz' });
const bytes = readFileSync(file);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.(); gc?.();
await new Promise((r) => setTimeout(r, 200));

// The sampler shares the process, so its rss is the whole process's.
const shared = new Int32Array(new SharedArrayBuffer(8));
const worker = new Worker(`
  const { workerData } = require('node:worker_threads');
  const a = workerData;
  const tick = () => { const mb = Math.ceil(process.memoryUsage.rss() / 1048576); if (mb > Atomics.load(a, 0)) Atomics.store(a, 0, mb); if (Atomics.load(a, 1) === 0) setTimeout(tick, 10); };
  tick();
`, { eval: true, workerData: shared });
await new Promise((r) => setTimeout(r, 100));
const before = process.memoryUsage.rss();
Atomics.store(shared, 0, 0);
let hwmReset = false;
try { writeFileSync('/proc/self/clear_refs', '5'); hwmReset = true; } catch { /* not Linux or not allowed */ }

const t0 = performance.now();
const res = await app.inject({ method: 'POST', url: '/v1/sboms', headers: { ...AUTH, 'content-type': 'application/vnd.cyclonedx+json' }, payload: bytes });
const ms = performance.now() - t0;
await new Promise((r) => setTimeout(r, 30));
Atomics.store(shared, 1, 1);
const sampledPeak = Atomics.load(shared, 0) * 1048576;
const hwm = hwmReset ? vmHwmBytes() : undefined;
await worker.terminate();
const body = res.json() as { componentCount?: number };
process.stdout.write(`${JSON.stringify({ status: res.statusCode, componentCount: body.componentCount, ms, sizeBytes: bytes.length, beforeRss: before, sampledPeakRss: sampledPeak, hwmRss: hwm })}\n`);
await app.close();
await db.close();
