// Where-used search on a 1M-membership database (2,000 SBOMs x 500 components, ~100k distinct
// components), through UsageService.search (the service layer the route uses) and through HTTP
// inject, against a one-row indexed lookup on the same pool in the same run. Prints
// EXPLAIN (ANALYZE, BUFFERS) for every statement of the usage path and checks that none of them
// scans sbom_component sequentially.
//
//   npm run bench -- usage           (DATABASE_URL set: that server; unset: embedded PostgreSQL)
import { benchDatabase, percentile, withRatio, type BenchResult } from './harness.ts';
import { AUTH, benchApp, log, openBenchDb } from './bench-app.ts';
import { DEFAULT_SEED, seedUsage } from './usage-seed.ts';
import { UsageRepository } from '../src/graph/usage.repository.ts';
import { matchCandidate, UsageService } from '../src/search/usage.service.ts';
import { canonicalizePurl, parseVers, versBounds, versionSortKey } from '../src/purl/index.ts';
import { USAGE_SQL } from '../src/graph/usage.repository.ts';

const RUNS = Number(process.env.BENCH_USAGE_RUNS ?? 300);
const now = () => performance.now();

async function samples(n: number, fn: () => Promise<unknown>, warmup = 20): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await fn();
    out.push(now() - t0);
  }
  return out;
}

const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(2)} / p95 ${percentile(xs, 95).toFixed(2)} / p99 ${percentile(xs, 99).toFixed(2)} / max ${Math.max(...xs).toFixed(2)} ms over ${xs.length}`;

// The repository's own statements, so the plans shown are the plans that run.
const SQL = USAGE_SQL;

const VEX_STATEMENTS = 300;

/** One OpenVEX attestation per artifact, indexed as ingest indexes it (attestant_index_vex). */
async function seedVex(pool: import('pg').Pool, digests: string[]): Promise<{ attestations: number; bytes: number }> {
  let bytes = 0;
  for (const digest of digests) {
    const statements = Array.from({ length: VEX_STATEMENTS }, (_, j) => ({
      vulnerability: { name: `CVE-2099-${String(j).padStart(4, '0')}`, aliases: [`GHSA-${String(j).padStart(4, '0')}-seed-vex0`] },
      products: [{ '@id': `pkg:oci/app@${digest.replace(':', '%3A')}`, subcomponents: [{ '@id': 'pkg:npm/lodash' }] }],
      status: j % 2 ? 'not_affected' : 'affected', justification: j % 2 ? 'vulnerable_code_not_in_execute_path' : undefined,
      impact_statement: 'The vulnerable function is not reachable from any entry point of this service.',
    }));
    const predicate = JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', '@id': `https://vex.example.com/${digest}`, author: 'seed', timestamp: '2026-11-01T00:00:00Z', version: 1, statements });
    bytes += predicate.length;
    const { rows } = await pool.query<{ id: string }>(
      `WITH d AS (INSERT INTO document (digest, kind, media_type, size_bytes, content) VALUES ($1, 'attestation', 'application/json', length($2), convert_to($2, 'UTF8')) RETURNING id),
            a AS (INSERT INTO attestation (document_id, envelope, predicate_type, predicate_kind, predicate, signer_kind, signer_key_name)
                  SELECT id, 'seed', 'https://openvex.dev/ns/v0.2.0', 'openvex', $2::jsonb, 'key', 'seed' FROM d RETURNING id),
            s AS (INSERT INTO attestation_subject (attestation_id, artifact_id) SELECT a.id, x.id FROM a, artifact x WHERE x.digest = $3)
       SELECT id FROM a`,
      [`sha256:vex-${digest}`, predicate, digest],
    );
    // A statement of its own: what a WITH inserts is not visible to the rest of that statement.
    await pool.query('SELECT attestant_index_vex($1)', [rows[0]!.id]);
  }
  return { attestations: digests.length, bytes };
}

function bounds(purl: string, range: string | undefined): [string, string | null, string | null] {
  const p = canonicalizePurl(purl);
  if (!range) return [p.packageKey, null, null];
  const b = versBounds(parseVers(range));
  return [p.packageKey, b.lower ? versionSortKey(p.type, b.lower.version) ?? null : null, b.upper ? versionSortKey(p.type, b.upper.version) ?? null : null];
}

export async function runUsageBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const bdb = await benchDatabase('usage');
  const db = openBenchDb(bdb.url, 8);
  try {
    log(`usage: seeding ${DEFAULT_SEED.sboms} SBOMs x ${DEFAULT_SEED.perSbom} components`);
    const t0 = now();
    const info = await seedUsage(db.pool, DEFAULT_SEED, log);
    const seedMs = now() - t0;
    const sizes = (await db.pool.query<{ t: string; s: string }>(
      `SELECT pg_size_pretty(pg_total_relation_size('sbom_component')) t, pg_size_pretty(pg_database_size(current_database())) s`)).rows[0]!;
    log(`usage: seeded in ${(seedMs / 1000).toFixed(1)} s (${info.components} components, ${info.memberships} memberships)`);

    // Queries: the most popular package (any version) and a mid-popularity npm package with a range.
    const byPop = [...info.popularity.entries()].sort((a, b) => b[1].sboms - a[1].sboms);
    const top = byPop.find(([k]) => k === 'pkg:npm/lodash') ?? byPop[0]!;
    const mid = byPop.filter(([k, v]) => v.eco === 'npm' && v.versions >= 16 && k !== top[0])
      .sort((a, b) => Math.abs(a[1].sboms - 300) - Math.abs(b[1].sboms - 300))[0]!;
    const range = 'vers:npm/>=1.2.0|<2.0.0';
    const svc = new UsageService(new UsageRepository(db));
    const qa = { purl: mid[0], range, limit: 100 };
    const qb = { purl: top[0], limit: 100 };
    const ra = await svc.search(qa);
    const rb = await svc.search(qb);
    log(`usage: (a) ${mid[0]} ${range}: ${ra.totals.matches} matches in ${ra.totals.artifacts} artifacts; (b) ${top[0]}: ${rb.totals.matches} matches, ${rb.totals.components} versions`);

    // Baseline: one-row indexed lookup through the same pool.
    const baseMs = await samples(RUNS, () => db.pool.query('SELECT id FROM component WHERE key = $1', [info.someKey]));
    const base = { name: 'SELECT id FROM component WHERE key = $1 (p95)', value: percentile(baseMs, 95) };

    const aMs = await samples(RUNS, () => svc.search(qa));
    const bMs = await samples(RUNS, () => svc.search(qb));
    // Second page of (b), through the cursor.
    const cMs = rb.nextCursor ? await samples(RUNS, () => svc.search({ ...qb, cursor: rb.nextCursor })) : [];
    // (b) narrowed to what runs in production now: the incident question.
    const qd = { ...qb, environment: 'production' };
    const rd = await svc.search(qd);
    const dMs = await samples(RUNS, () => svc.search(qd));

    // (b) with ?vulnerability=: every artifact of its first page carries a verified-looking OpenVEX
    // attestation of VEX_STATEMENTS statements (rows written directly, as the seed writes SBOMs;
    // the signature is not what is measured here), one of them about the vulnerability asked for.
    const vex = await seedVex(db.pool, [...new Set(rb.matches.map((m) => m.artifact?.digest).filter((d): d is string => d !== undefined))]);
    const qv = { ...qb, vulnerability: 'cve-2099-0299' };
    const rv = await svc.search(qv);
    const vMs = await samples(RUNS, () => svc.search(qv));

    const app = await benchApp(db);
    const httpA = `/v1/components/usage?purl=${encodeURIComponent(qa.purl)}&range=${encodeURIComponent(range)}&limit=100`;
    const httpB = `/v1/components/usage?purl=${encodeURIComponent(qb.purl)}&limit=100`;
    for (const u of [httpA, httpB]) {
      const res = await app.inject({ method: 'GET', url: u, headers: AUTH });
      if (res.statusCode !== 200) throw new Error(`GET ${u}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
    const hA = await samples(RUNS, () => app.inject({ method: 'GET', url: httpA, headers: AUTH }));
    const hB = await samples(RUNS, () => app.inject({ method: 'GET', url: httpB, headers: AUTH }));
    await app.close();

    results.push({ name: `seed ${info.sboms} SBOMs, ${info.memberships} memberships, ${info.components} components (unnest batches + ANALYZE)`, value: seedMs / 1000, unit: 's',
      note: `${info.phases}; ${info.artifacts} artifacts, ${DEFAULT_SEED.services} services, ${info.deployments} deployment rows; sbom_component ${sizes.t}, database ${sizes.s}` });
    results.push(withRatio({ name: `(a) UsageService.search ${mid[0]} range ${range} p95`, value: percentile(aMs, 95), unit: 'ms', baseline: base, target: '≤20 ms',
      note: `${fmt(aMs)}; package in ${mid[1].sboms} SBOMs; ${ra.totals.components} matching versions, ${ra.totals.matches} matches, ${ra.totals.artifacts} artifacts, ${ra.totals.services} services, page of ${ra.matches.length}` }));
    results.push(withRatio({ name: `(b) UsageService.search ${top[0]} any version, first page (limit 100) p95`, value: percentile(bMs, 95), unit: 'ms', baseline: base, target: '≤50 ms',
      note: `${fmt(bMs)}; ${rb.totals.components} versions, ${rb.totals.matches} matches, ${rb.totals.artifacts} artifacts, ${rb.totals.services} services` }));
    if (cMs.length) results.push(withRatio({ name: `(b') same, second page through the cursor p95`, value: percentile(cMs, 95), unit: 'ms', baseline: base, note: fmt(cMs) }));
    results.push(withRatio({ name: `(b'') same, only artifacts deployed in production now (environment=production) p95`, value: percentile(dMs, 95), unit: 'ms', baseline: base, target: '≤50 ms',
      note: `${fmt(dMs)}; ${rd.totals.matches} matches, ${rd.totals.artifacts} artifacts, page of ${rd.matches.length}` }));
    results.push(withRatio({ name: `(b''') same, with vulnerability= (VEX status of each match) p95`, value: percentile(vMs, 95), unit: 'ms', baseline: { name: '(b) without vulnerability= (p95)', value: percentile(bMs, 95) }, target: '≤50 ms',
      note: `${fmt(vMs)}; ${vex.attestations} OpenVEX attestations of ${VEX_STATEMENTS} statements (${(vex.bytes / vex.attestations / 1024).toFixed(0)} KB each) on the page's artifacts; ${rv.matches.filter((m) => m.vex).length} of ${rv.matches.length} matches annotated` }));
    results.push(withRatio({ name: '(a) via HTTP inject GET /v1/components/usage p95', value: percentile(hA, 95), unit: 'ms', baseline: base, target: '≤20 ms', note: fmt(hA) }));
    results.push(withRatio({ name: '(b) via HTTP inject GET /v1/components/usage p95', value: percentile(hB, 95), unit: 'ms', baseline: base, target: '≤50 ms', note: fmt(hB) }));
    results.push({ name: 'baseline one-row lookup p50', value: percentile(baseMs, 50), unit: 'ms', note: fmt(baseMs) });

    // Plans, with the parameters the service actually used.
    const repo = new UsageRepository(db);
    const checked: string[] = [];
    const seqScans: string[] = [];
    const explain = async (label: string, sql: string, params: unknown[]) => {
      const { rows } = await db.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      console.log(`\n-- EXPLAIN (ANALYZE, BUFFERS) ${label}\n${plan}`);
      checked.push(label);
      if (/Seq Scan on sbom_component\b/.test(plan)) seqScans.push(label);
    };
    const [pkA, loA, hiA] = bounds(qa.purl, range);
    const [pkB] = bounds(qb.purl, undefined);
    const candA = await repo.candidatesByPackage(pkA, loA, hiA);
    const candB = await repo.candidatesByPackage(pkB, null, null);
    // (a) keeps only the exact range matches (the service rechecks with versContains).
    const vr = parseVers(range);
    const idsA = candA.filter((c) => matchCandidate(c, { version: null, qualifiers: {} }, vr) !== 'out').map((c) => c.id);
    const idsB = candB.map((c) => c.id);
    const pageB = await repo.page(idsB, undefined, 101);
    const artB = [...new Set(pageB.map((h) => h.artifactId).filter((x): x is string => x !== null))];
    const last = pageB[99] ?? pageB[pageB.length - 1]!;
    console.log(`\n## usage plans (${mid[0]} range → ${idsA.length} component ids; ${top[0]} → ${idsB.length} component ids)`);
    await explain('candidatesByPackage (a: range)', SQL.candidatesByPackage, [pkA, loA, hiA]);
    await explain('candidatesByPackage (b: any version)', SQL.candidatesByPackage, [pkB, null, null]);
    await explain('candidatesByName (lodash)', SQL.candidatesByName, ['lodash']);
    await explain('totals (a)', SQL.totals, [idsA, null]);
    await explain('totals (b)', SQL.totals, [idsB, null]);
    await explain('totals (b, environment=production)', SQL.totals, [idsB, 'production']);
    await explain('page (a) first', SQL.page, [idsA, null, '', '', 101, null]);
    await explain('page (b) first', SQL.page, [idsB, null, '', '', 101, null]);
    await explain('page (b) second (cursor)', SQL.page, [idsB, last.componentKey, last.artifactDigest ?? '', last.sbomId, 101, null]);
    await explain('page (b, environment=production) first', SQL.page, [idsB, null, '', '', 101, 'production']);
    await explain('servicesOf (b page)', SQL.servicesOf, [artB]);
    await explain('currentDeploymentsOf (b page)', SQL.currentDeploymentsOf, [artB]);
    await explain('vexOf (b page, with vulnerability=)', SQL.vexOf, [artB, 'CVE-2099-0299']);
    await explain('paths (b page)', SQL.paths, [pageB.slice(0, 100).map((h) => h.sbomId), pageB.slice(0, 100).map((h) => h.componentId)]);
    // Where the time of one search goes: each repository call alone (median of 100), same parameters.
    const med = async (fn: () => Promise<unknown>) => percentile(await samples(100, fn, 5), 50);
    const pageA = await repo.page(idsA, undefined, 101);
    const artA = [...new Set(pageA.map((h) => h.artifactId).filter((x): x is string => x !== null))];
    for (const [label, pk, lo, hi, ids, pg, arts] of [
      ['(a)', pkA, loA, hiA, idsA, pageA, artA], ['(b)', pkB, null, null, idsB, pageB.slice(0, 100), artB],
    ] as const) {
      const parts = {
        'parse purl+vers': await med(async () => { bounds(label === '(a)' ? qa.purl : qb.purl, label === '(a)' ? range : undefined); }),
        candidatesByPackage: await med(() => repo.candidatesByPackage(pk, lo, hi)),
        totals: await med(() => repo.totals([...ids])),
        page: await med(() => repo.page([...ids], undefined, 101)),
        servicesOf: await med(() => repo.servicesOf([...arts])),
        currentDeploymentsOf: await med(() => repo.currentDeploymentsOf([...arts])),
        paths: await med(() => repo.paths(pg.map((h) => ({ sbomId: h.sbomId, componentId: h.componentId })))),
      };
      results.push({ name: `${label} breakdown: sum of sequential stages (candidates + max(totals, page) + max(services, deployments, paths)), medians`, unit: 'ms',
        value: parts['parse purl+vers'] + parts.candidatesByPackage + Math.max(parts.totals, parts.page) + Math.max(parts.servicesOf, parts.currentDeploymentsOf, parts.paths),
        note: Object.entries(parts).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ') + ' ms (each alone, median of 100)' });
    }

    // Steady state: autovacuum eventually sets the visibility map of an insert-only table, which
    // enables index-only scans on sbom_component_component_idx. Measure that too.
    const tv = now();
    await db.pool.query('VACUUM (ANALYZE) sbom_component');
    log(`usage: VACUUM (ANALYZE) sbom_component took ${((now() - tv) / 1000).toFixed(1)} s; re-measuring`);
    await explain('totals (b) after VACUUM', SQL.totals, [idsB, null]);
    await explain('page (b) first after VACUUM', SQL.page, [idsB, null, '', '', 101, null]);
    const aV = await samples(RUNS, () => svc.search(qa));
    const bV = await samples(RUNS, () => svc.search(qb));
    const baseV = await samples(RUNS, () => db.pool.query('SELECT id FROM component WHERE key = $1', [info.someKey]));
    const baseVr = { name: 'one-row lookup p95 (same phase)', value: percentile(baseV, 95) };
    results.push(withRatio({ name: '(a) UsageService.search after VACUUM sbom_component p95', value: percentile(aV, 95), unit: 'ms', baseline: baseVr, target: '≤20 ms', note: fmt(aV) }));
    results.push(withRatio({ name: '(b) UsageService.search after VACUUM sbom_component p95', value: percentile(bV, 95), unit: 'ms', baseline: baseVr, target: '≤50 ms', note: fmt(bV) }));
    results.push({
      name: `plans checked for Seq Scan on sbom_component: ${seqScans.length ? `FOUND in ${seqScans.join(', ')}` : 'none'}`, value: seqScans.length, unit: 'plans',
      note: `checked ${checked.length}: ${checked.join('; ')}`,
    });
    return results;
  } finally {
    await db.close();
    await bdb.dispose();
  }
}
