// Seeds a where-used database directly with INSERT ... SELECT FROM unnest(...) in big batches:
// 2,000 SBOMs x 500 components = 1M memberships over ~100k distinct components, with a Zipf-like
// package popularity (pkg:npm/lodash in nearly every SBOM across ~30 versions), five ecosystems,
// one artifact per SBOM, ~200 services and current + past deployments.
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { componentRow, type ComponentRow } from '../src/ingest/sbom-assembly.ts';
import { rng } from '../test/helpers/seeded-random.ts';
import { WORDS } from './sbom-generator.ts';

export interface SeedOptions { sboms: number; perSbom: number; packages: number; services: number; direct: number; zipf: number; seed: number }
export const DEFAULT_SEED: SeedOptions = { sboms: 2000, perSbom: 500, packages: 40_000, services: 200, direct: 40, zipf: 1.0, seed: 1 };

type Eco = 'npm' | 'maven' | 'pypi' | 'golang' | 'deb';
interface Pkg { eco: Eco; ns: string | null; name: string; versions: number }
export interface SeedInfo {
  phases: string;
  components: number; memberships: number; sboms: number; artifacts: number; deployments: number;
  /** package purl (no version) → number of SBOMs containing it */
  popularity: Map<string, { sboms: number; versions: number; eco: Eco }>;
  /** A component key, for the one-row baseline lookup. */
  someKey: string;
}

const TOP: Record<Eco, Array<[string | null, string]>> = {
  npm: [[null, 'lodash'], [null, 'debug'], [null, 'ms'], [null, 'semver'], [null, 'chalk'], ['@babel', 'core'], [null, 'tslib'], [null, 'minimist'], [null, 'commander'], [null, 'uuid']],
  maven: [['com.fasterxml.jackson.core', 'jackson-databind'], ['org.apache.logging.log4j', 'log4j-core'], ['org.slf4j', 'slf4j-api'], ['com.google.guava', 'guava']],
  pypi: [[null, 'requests'], [null, 'urllib3'], [null, 'certifi'], [null, 'idna']],
  golang: [['golang.org/x', 'net'], ['golang.org/x', 'sys'], ['github.com/google', 'uuid']],
  deb: [['debian', 'openssl'], ['debian', 'zlib1g'], ['debian', 'libc6']],
};
const ECO_BY_SLOT: Eco[] = ['npm', 'npm', 'npm', 'npm', 'npm', 'npm', 'npm', 'npm', 'npm', 'npm', 'maven', 'maven', 'maven', 'maven', 'pypi', 'pypi', 'pypi', 'golang', 'golang', 'deb'];

function packages(o: SeedOptions): Pkg[] {
  const used: Record<Eco, number> = { npm: 0, maven: 0, pypi: 0, golang: 0, deb: 0 };
  const L = WORDS.length;
  const out: Pkg[] = [];
  const taken = new Set<string>();
  const push = (p: Pkg) => {
    while (taken.has(`${p.eco}/${p.ns}/${p.name}`)) p.name += '-x';
    taken.add(`${p.eco}/${p.ns}/${p.name}`);
    out.push(p);
  };
  for (let r = 0; r < o.packages; r++) {
    const eco = r === 0 ? 'npm' : ECO_BY_SLOT[r % ECO_BY_SLOT.length]!;
    const j = used[eco]++;
    // Popular packages have many versions (lodash: 30), the long tail a few.
    const versions = Math.max(2, Math.min(30, Math.round(34 / Math.pow(1 + r / 40, 0.45))));
    const top = TOP[eco][j];
    if (top) { push({ eco, ns: top[0], name: top[1], versions }); continue; }
    const w1 = WORDS[j % L]!, w2 = WORDS[Math.floor(j / L) % L]!, n = Math.floor(j / (L * L));
    const sfx = n ? `${n}` : '';
    switch (eco) {
      case 'npm': push({ eco, ns: j % 7 === 0 ? `@${w2}` : null, name: j % 7 === 0 ? `${w1}${sfx}` : `${w1}-${w2}${sfx}`, versions }); break;
      case 'maven': push({ eco, ns: `org.${w1}${sfx}`, name: `${w2}-core`, versions }); break;
      case 'pypi': push({ eco, ns: null, name: `py${w1}-${w2}${sfx}`, versions }); break;
      case 'golang': push({ eco, ns: `github.com/${w1}${sfx}`, name: `go-${w2}`, versions }); break;
      case 'deb': push({ eco, ns: 'debian', name: `lib${w1}-${w2}${sfx}`, versions }); break;
    }
  }
  return out;
}

/** i = 0 oldest. 1.0.0, 1.0.3, 1.1.0, 1.1.3, 1.2.0, 1.2.3, 1.3.0, 1.3.3, 2.0.0, ... */
function versionOf(p: Pkg, i: number): string {
  const v = `${1 + Math.floor(i / 8)}.${Math.floor((i % 8) / 2)}.${(i % 2) * 3}`;
  if (p.eco === 'golang') return `v${v}`;
  if (p.eco === 'deb') return `${v}-${1 + (i % 3)}`;
  return v;
}

function purlOf(p: Pkg, version: string): string {
  const ns = p.ns ? `${p.ns.split('/').map((s) => encodeURIComponent(s)).join('/')}/` : '';
  return `pkg:${p.eco}/${ns}${encodeURIComponent(p.name)}@${encodeURIComponent(version)}${p.eco === 'deb' ? '?arch=amd64&distro=debian-12' : ''}`;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export async function seedUsage(pool: pg.Pool, o: SeedOptions = DEFAULT_SEED, log: (m: string) => void = () => {}): Promise<SeedInfo> {
  const r = rng(o.seed);
  const phases: string[] = [];
  let tp = performance.now();
  const phase = (name: string) => { const t = performance.now(); phases.push(`${name} ${((t - tp) / 1000).toFixed(1)}s`); tp = t; };
  const pkgs = packages(o);
  // Zipf CDF over package rank.
  const cdf = new Float64Array(pkgs.length);
  let acc = 0;
  for (let i = 0; i < pkgs.length; i++) { acc += 1 / Math.pow(i + 1, o.zipf); cdf[i] = acc; }
  const draw = (): number => {
    const x = r() * acc;
    let lo = 0, hi = cdf.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid]! < x) lo = mid + 1; else hi = mid; }
    return lo;
  };

  // 1. choose each SBOM's components: distinct packages, one version each (newer versions more used).
  const compIndex = new Map<number, number>(); // pkg * 64 + version -> component ordinal
  const compPkgVer: Array<[number, number]> = [];
  const selections: Int32Array[] = [];
  const pop = new Map<number, number>();
  for (let s = 0; s < o.sboms; s++) {
    const seen = new Set<number>();
    const sel = new Int32Array(o.perSbom);
    let k = 0;
    while (k < o.perSbom) {
      const p = draw();
      if (seen.has(p)) continue;
      seen.add(p);
      pop.set(p, (pop.get(p) ?? 0) + 1);
      const nv = pkgs[p]!.versions;
      const v = nv - 1 - Math.floor(nv * r() * r());
      const code = p * 64 + v;
      let c = compIndex.get(code);
      if (c === undefined) { c = compPkgVer.length; compIndex.set(code, c); compPkgVer.push([p, v]); }
      sel[k++] = c;
    }
    selections.push(sel);
  }
  phase('choose');

  // 2. component rows through the same componentRow() ingest uses (canonical purl, sort key).
  const rows: ComponentRow[] = compPkgVer.map(([p, v]) => {
    const pk = pkgs[p]!;
    const version = versionOf(pk, v);
    return componentRow({ ref: 'seed', name: pk.name, version, purl: purlOf(pk, version) }, []);
  });
  const rootRows: ComponentRow[] = [];
  for (let s = 0; s < o.sboms; s++) rootRows.push(componentRow({ ref: 'root', name: `service-${s % o.services}`, purl: `pkg:generic/acme/service-${s % o.services}@build-${s}` }, []));
  const all = [...rows, ...rootRows];
  const ids: string[] = new Array(all.length);
  const B = 50_000;
  for (let i = 0; i < all.length; i += B) {
    const b = all.slice(i, i + B);
    const res = await pool.query<{ id: string; ord: string }>(
      `INSERT INTO component (key, purl, package_key, type, namespace, name, version, qualifiers, version_key)
       SELECT key, purl, package_key, type, namespace, name, version, qualifiers, version_key
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         WITH ORDINALITY AS t(key, purl, package_key, type, namespace, name, version, qualifiers, version_key, ord)
       ORDER BY ord
       RETURNING id`,
      [b.map((x) => x.key), b.map((x) => x.purl), b.map((x) => x.packageKey), b.map((x) => x.type), b.map((x) => x.namespace),
        b.map((x) => x.name), b.map((x) => x.version), b.map((x) => x.qualifiers), b.map((x) => x.versionKey)],
    );
    // Identity values follow the ORDER BY ord insertion order.
    const got = res.rows.map((x) => x.id).sort((x, y) => Number(x) - Number(y));
    got.forEach((id, j) => { ids[i + j] = id; });
  }
  phase('component');
  const keyCheck = await pool.query<{ key: string }>('SELECT key FROM component WHERE id = $1', [ids[0]]);
  if (keyCheck.rows[0]?.key !== all[0]!.key) throw new Error('component id mapping is off');

  // 3. services, artifacts, documents, sboms, links.
  const svc = await pool.query<{ id: string }>(
    `INSERT INTO service (name) SELECT n FROM unnest($1::text[]) WITH ORDINALITY AS t(n, ord) ORDER BY ord RETURNING id`,
    [Array.from({ length: o.services }, (_, i) => `${WORDS[i % WORDS.length]}-${['api', 'worker', 'web', 'gateway'][i % 4]}-${i}`)],
  );
  const serviceIds = svc.rows.map((x) => x.id).sort((x, y) => Number(x) - Number(y));
  const art = await pool.query<{ id: string }>(
    `INSERT INTO artifact (digest, name) SELECT d, n FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(d, n, ord) ORDER BY ord RETURNING id`,
    [Array.from({ length: o.sboms }, (_, s) => `sha256:${sha(`artifact-${s}`)}`), Array.from({ length: o.sboms }, (_, s) => `registry.example.com/acme/service-${s % o.services}:build-${s}`)],
  );
  const artifactIds = art.rows.map((x) => x.id).sort((x, y) => Number(x) - Number(y));
  const docIds = Array.from({ length: o.sboms }, () => randomUUID());
  // Sorted ids: the sbom_component primary key (sbom_id, component_id) then grows at its right edge.
  const sbomIds = Array.from({ length: o.sboms }, () => randomUUID()).sort();
  await pool.query(
    `INSERT INTO document (id, digest, kind, media_type, size_bytes, content)
     SELECT id, d, 'sbom', 'application/vnd.cyclonedx+json', length(c), convert_to(c, 'UTF8') FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, d, c)`,
    [docIds, docIds.map((_, s) => `sha256:${sha(`doc-${s}`)}`), docIds.map((_, s) => `{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"seed-${s}"}`)],
  );
  await pool.query(
    `INSERT INTO sbom (id, document_id, format, encoding, spec_version, serial_number, name, root_component_id, subject_name, subject_version, subject_purl, component_count)
     SELECT id, d, 'cyclonedx', 'json', '1.6', sn, n, rc, n, v, p, $8 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[]) AS t(id, d, sn, n, rc, v, p)`,
    [sbomIds, docIds, sbomIds.map((_, s) => `urn:uuid:seed-${s}`), sbomIds.map((_, s) => `service-${s % o.services}`),
      sbomIds.map((_, s) => ids[rows.length + s]), sbomIds.map((_, s) => `build-${s}`), sbomIds.map((_, s) => rootRows[s]!.purl), o.perSbom],
  );
  await pool.query(`INSERT INTO sbom_artifact (sbom_id, artifact_id) SELECT * FROM unnest($1::uuid[], $2::bigint[])`, [sbomIds, artifactIds]);
  await pool.query(`INSERT INTO artifact_service (artifact_id, service_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])`,
    [artifactIds, artifactIds.map((_, s) => serviceIds[s % o.services])]);

  // Deployments: per service, the newest artifact is live in production and staging (until NULL),
  // the one before was in production until recently (history rows).
  const dA: string[] = [], dS: string[] = [], dE: string[] = [], dUntil: (string | null)[] = [];
  for (let sv = 0; sv < o.services; sv++) {
    const builds = [];
    for (let s = sv; s < o.sboms; s += o.services) builds.push(s);
    const newest = builds[builds.length - 1], prev = builds[builds.length - 2];
    if (newest === undefined) continue;
    dA.push(artifactIds[newest]!, artifactIds[newest]!); dS.push(serviceIds[sv]!, serviceIds[sv]!); dE.push('production', 'staging'); dUntil.push(null, null);
    if (prev !== undefined) { dA.push(artifactIds[prev]!); dS.push(serviceIds[sv]!); dE.push('production'); dUntil.push(new Date(Date.now() - 86_400_000).toISOString()); }
  }
  await pool.query(
    `INSERT INTO deployment (artifact_id, service_id, environment, since, until)
     SELECT a, s, e, coalesce(u - interval '7 days', now() - interval '1 day'), u FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[]) AS t(a, s, e, u)`,
    [dA, dS, dE, dUntil],
  );

  phase('sbom/artifact/service/deployment');
  // 4. memberships, 100k rows a statement, in one transaction. The rows are consistent by
  // construction, so the per-row foreign-key triggers (sbom, component) are skipped with
  // session_replication_role = replica (superuser; BENCH_SEED_FK=1 keeps them). Both indexes are
  // maintained row by row, as in production.
  const perBatch = Math.max(1, Math.floor(100_000 / o.perSbom));
  let memberships = 0;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (process.env.BENCH_SEED_FK !== '1') await client.query(`SET LOCAL session_replication_role = replica`).catch(() => {});
    for (let s0 = 0; s0 < o.sboms; s0 += perBatch) {
      const sb: string[] = [], cid: string[] = [], dir: boolean[] = [], dep: number[] = [], par: (string | null)[] = [];
      for (let s = s0; s < Math.min(o.sboms, s0 + perBatch); s++) {
        const sel = selections[s]!;
        for (let k = 0; k < sel.length; k++) {
          const direct = k < o.direct;
          sb.push(sbomIds[s]!); cid.push(ids[sel[k]!]!); dir.push(direct); dep.push(direct ? 1 : 2);
          par.push(direct ? null : ids[sel[k % o.direct]!]!);
        }
      }
      await client.query(
        `INSERT INTO sbom_component (sbom_id, component_id, direct, depth, parent_component_id)
         SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::boolean[], $4::int[], $5::bigint[])`,
        [sb, cid, dir, dep, par],
      );
      memberships += sb.length;
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  phase('sbom_component');
  await pool.query('ANALYZE');
  phase('ANALYZE');

  const popularity = new Map<string, { sboms: number; versions: number; eco: Eco }>();
  for (const [p, n] of pop) {
    const pk = pkgs[p]!;
    const row = componentRow({ ref: 'x', name: pk.name, purl: purlOf(pk, versionOf(pk, 0)) }, []);
    popularity.set(row.packageKey!, { sboms: n, versions: pk.versions, eco: pk.eco });
  }
  return { phases: phases.join(', '), components: all.length, memberships, sboms: o.sboms, artifacts: o.sboms, deployments: dA.length, popularity, someKey: all[Math.floor(all.length / 2)]!.key };
}
