// Peak RSS of the real service process (`node bin/attestant.mjs serve`, the compiled bundle that
// `npm start` runs) while it ingests one large SBOM streamed to it over a socket. The bench process
// only streams the file and samples the server's /proc/<pid>/status; the kernel's high-water mark
// (VmHWM) is reset through /proc/<pid>/clear_refs just before the upload, so start-up does not count.
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { findFreePort } from '../src/platform/embedded-postgres.ts';
import { migrate } from '../src/platform/migrations.ts';
import { hashToken } from '../src/platform/tokens.ts';
import { ADMIN_TOKEN } from './bench-app.ts';

export interface MemoryRun { status: number; componentCount?: number; ms: number; sizeBytes: number; beforeRss: number; sampledPeakRss: number; hwmRss?: number }

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch { return undefined; }
}

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try { if ((await fetch(`${base}/readyz`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

function upload(base: string, file: string, contentType: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/v1/sboms`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType, 'content-length': statSync(file).size } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

export async function measureServerIngestMemory(databaseUrl: string, file: string, contentType: string): Promise<MemoryRun> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  // The token is stored the way POST /v1/tokens stores it, not given as ATTESTANT_ADMIN_TOKEN: the
  // service then starts as a default install does (its start-up token check runs through Prisma,
  // whose query compiler is part of the resident baseline).
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    await migrate(client);
    await client.query(`INSERT INTO api_token (name, token_hash, scopes) VALUES ('bench', $1, '{admin}') ON CONFLICT (token_hash) DO NOTHING`, [hashToken(ADMIN_TOKEN)]);
  } finally {
    await client.end();
  }
  const port = await findFreePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['bin/attestant.mjs', 'serve'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', ATTESTANT_ADMIN_TOKEN: '', ATTESTANT_BODY_LIMIT: '64mb' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    await waitReady(base, child);
    const pid = child.pid!;
    await new Promise((r) => setTimeout(r, 500));
    const before = procStatus(pid, 'VmRSS') ?? 0;
    let hwmReset = false;
    try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); hwmReset = true; } catch { /* not Linux or not allowed */ }
    let peak = before;
    const t0 = performance.now();
    const timeline: string[] = [];
    let lastMb = 0;
    const sampler = setInterval(() => {
      const r = procStatus(pid, 'VmRSS');
      if (r && r > peak) peak = r;
      if (process.env.BENCH_RSS_TIMELINE && r && Math.abs(r / 1048576 - lastMb) >= 3) { lastMb = r / 1048576; timeline.push(`${(performance.now() - t0).toFixed(0)}ms ${lastMb.toFixed(0)}MB`); }
    }, 5);
    const res = await upload(base, file, contentType);
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 30));
    clearInterval(sampler);
    if (timeline.length) process.stderr.write(`RSS timeline: ${timeline.join(', ')}\n`);
    const hwm = hwmReset ? procStatus(pid, 'VmHWM') : undefined;
    let componentCount: number | undefined;
    try { componentCount = (JSON.parse(res.body) as { componentCount?: number }).componentCount; } catch { /* problem body */ }
    if (res.status !== 201) throw new Error(`memory ingest answered ${res.status}: ${res.body.slice(0, 500)}`);
    return { status: res.status, componentCount, ms, sizeBytes: statSync(file).size, beforeRss: before, sampledPeakRss: peak, hwmRss: hwm };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
  }
}
