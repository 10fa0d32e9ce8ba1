// Shared benchmark plumbing: every figure is printed next to a baseline measured in the same run,
// as a ratio, because absolute times on these shared machines are noise.
import { rmSync } from 'node:fs';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/platform/embedded-postgres.ts';
import { migrate } from '../src/platform/migrations.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** value / baseline.value */
  ratio?: number;
  target?: string;
  note?: string;
}

export function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export function withRatio(r: Omit<BenchResult, 'ratio'>): BenchResult {
  return r.baseline ? { ...r, ratio: r.value / r.baseline.value } : r;
}

export function formatResult(r: BenchResult): string {
  const v = `${r.value.toFixed(r.value < 10 ? 3 : 1)} ${r.unit}`;
  const base = r.baseline ? `  vs ${r.baseline.name} ${r.baseline.value.toFixed(r.baseline.value < 10 ? 3 : 1)} ${r.unit}` : '';
  // Three decimals below 1, so that a ratio just under a target (0.396 against >= 0.4) never prints as meeting it.
  const ratio = r.ratio !== undefined ? `  ratio ${r.ratio.toFixed(r.ratio < 1 ? 3 : 2)}` : '';
  const target = r.target ? `  (target ${r.target})` : '';
  return `${r.name}: ${v}${base}${ratio}${target}${r.note ? `\n    ${r.note}` : ''}`;
}

export interface BenchDatabase { url: string; name: string; dispose(): Promise<void> }

/**
 * A fresh, migrated database for one benchmark: on DATABASE_URL's server if set, else on an
 * embedded PostgreSQL started for the run.
 */
export async function benchDatabase(label: string): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!serverUrl) {
    const dataDir = `/tmp/attestant-bench-pg-${process.pid}`;
    const e = await startEmbeddedPostgres(dataDir);
    serverUrl = e.url;
    // The cluster holds about a gigabyte of WAL after the decisions bench: it goes with the run.
    stop = async () => {
      await e.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  const name = `attestant_bench_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await migrate(c);
  await c.end();
  return {
    url,
    name,
    async dispose() {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await a.end();
      await stop?.();
    },
  };
}
