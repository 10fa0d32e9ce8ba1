// Where-used queries. Each statement names the index it relies on; bench/usage.bench.ts prints
// EXPLAIN (ANALYZE, BUFFERS) for them on a 1M-membership database.
import type { Database } from '../platform/database.ts';
import { toVexFacts, type VexFacts } from '../attest/index.ts';
import type { VexDocument } from '../search/vex-status.ts';

export interface CandidateComponent { id: string; key: string; purl: string | null; type: string | null; name: string; version: string | null; qualifiers: string | null; versionKey: string | null }

export interface UsageHit {
  componentId: string; componentKey: string; purl: string | null; name: string; version: string | null;
  sbomId: string; direct: boolean; depth: number | null;
  artifactId: string | null; artifactDigest: string | null; artifactName: string | null;
}

export interface UsageCursor { key: string; digest: string; sbom: string }

const CANDIDATE_COLUMNS = `id, key, purl, type, name, version, qualifiers, version_key AS "versionKey"`;

/** The hit's artifact runs now in the environment parameter `param`. Index: deployment_current_artifact_idx (partial, until IS NULL). */
const deployedIn = (param: string) => `SELECT 1 FROM deployment d WHERE d.artifact_id = sa.artifact_id AND d.until IS NULL AND d.environment = ${param}`;

/**
 * The where-used statements, in one reviewed place; bench/usage.bench.ts runs EXPLAIN (ANALYZE,
 * BUFFERS) on these same strings. Indexes they rely on are named at each method.
 */
export const USAGE_SQL = {
  candidatesByPackage: `SELECT ${CANDIDATE_COLUMNS} FROM component
       WHERE package_key = $1
         AND (version_key IS NULL
              OR (($2::text IS NULL OR version_key >= $2) AND ($3::text IS NULL OR version_key <= $3)))`,
  candidatesByName: `SELECT ${CANDIDATE_COLUMNS} FROM component WHERE name_lower = lower($1)`,
  totals: `WITH hits AS (
         SELECT sc.component_id, sa.artifact_id
         FROM sbom_component sc
         LEFT JOIN sbom_artifact sa ON sa.sbom_id = sc.sbom_id
         WHERE sc.component_id = ANY($1::bigint[])
           AND ($2::text IS NULL OR EXISTS (${deployedIn('$2')}))
       )
       SELECT (SELECT count(DISTINCT component_id) FROM hits) AS components,
              (SELECT count(DISTINCT artifact_id) FROM hits) AS artifacts,
              (SELECT count(DISTINCT s.service_id) FROM artifact_service s WHERE s.artifact_id IN (SELECT artifact_id FROM hits)) AS services,
              (SELECT count(*) FROM hits) AS hits`,
  page: `SELECT c.id AS "componentId", c.key AS "componentKey", c.purl, c.name, c.version,
              sc.sbom_id AS "sbomId", sc.direct, sc.depth,
              a.id AS "artifactId", a.digest AS "artifactDigest", a.name AS "artifactName"
       FROM component c
       JOIN sbom_component sc ON sc.component_id = c.id
       LEFT JOIN sbom_artifact sa ON sa.sbom_id = sc.sbom_id
       LEFT JOIN artifact a ON a.id = sa.artifact_id
       WHERE c.id = ANY($1::bigint[])
         AND ($2::text IS NULL OR (c.key, coalesce(a.digest, ''), sc.sbom_id::text) > ($2, $3, $4))
         AND ($6::text IS NULL OR EXISTS (${deployedIn('$6')}))
       ORDER BY c.key, coalesce(a.digest, ''), sc.sbom_id::text
       LIMIT $5`,
  servicesOf: `SELECT s2.artifact_id AS "artifactId", s.name FROM artifact_service s2 JOIN service s ON s.id = s2.service_id
       WHERE s2.artifact_id = ANY($1::bigint[]) ORDER BY s.name`,
  vexOf: `SELECT s.artifact_id AS "artifactId", ar.digest, s.name, a.id,
              coalesce(a.signer_identity, a.signer_key_name, a.signer_key_id, a.signer_kind) AS signer, a.verified_at AS "verifiedAt",
              v.ord, v.statement, v.document_timestamp AS "documentTimestamp"
       FROM attestation_subject s
       JOIN attestation a ON a.id = s.attestation_id AND a.predicate_kind = 'openvex'
       JOIN artifact ar ON ar.id = s.artifact_id
       JOIN vex_statement v ON v.attestation_id = a.id AND v.vulnerability_id = $2
       WHERE s.artifact_id = ANY($1::bigint[])
       ORDER BY a.id, v.ord`,
  currentDeploymentsOf: `SELECT d.artifact_id AS "artifactId", s.name AS service, d.environment, d.since
       FROM deployment d JOIN service s ON s.id = d.service_id
       WHERE d.artifact_id = ANY($1::bigint[]) AND d.until IS NULL ORDER BY s.name, d.environment`,
  paths: `WITH RECURSIVE walk AS (
         SELECT h.ord, sc.sbom_id, sc.component_id, sc.parent_component_id, sc.depth, 0 AS step
         FROM unnest($1::uuid[], $2::bigint[]) WITH ORDINALITY AS h(sbom_id, component_id, ord)
         JOIN sbom_component sc ON sc.sbom_id = h.sbom_id AND sc.component_id = h.component_id
         UNION ALL
         SELECT w.ord, sc.sbom_id, sc.component_id, sc.parent_component_id, sc.depth, w.step + 1
         FROM walk w JOIN sbom_component sc ON sc.sbom_id = w.sbom_id AND sc.component_id = w.parent_component_id
         WHERE w.step < 128
       )
       SELECT w.ord, w.step, coalesce(c.purl, c.name || coalesce('@' || c.version, '')) AS label, w.depth,
              (SELECT coalesce(rc.purl, rc.name || coalesce('@' || rc.version, '')) FROM sbom s JOIN component rc ON rc.id = s.root_component_id WHERE s.id = w.sbom_id) AS root
       FROM walk w JOIN component c ON c.id = w.component_id
       ORDER BY w.ord, w.step DESC`,
} as const;

export class UsageRepository {
  constructor(private readonly db: Database) {}

  /** Index: component_package_version_idx (package_key, version_key) — a range scan. */
  async candidatesByPackage(packageKey: string, lowKey: string | null, highKey: string | null): Promise<CandidateComponent[]> {
    const { rows } = await this.db.pool.query<CandidateComponent>(
      USAGE_SQL.candidatesByPackage,
      [packageKey, lowKey, highKey],
    );
    return rows;
  }

  /** Index: component_name_lower_idx. Across ecosystems, and components without purls. */
  async candidatesByName(name: string): Promise<CandidateComponent[]> {
    const { rows } = await this.db.pool.query<CandidateComponent>(
      USAGE_SQL.candidatesByName,
      [name],
    );
    return rows;
  }

  /** Index: sbom_component_component_idx (component_id, sbom_id), then primary keys. With `environment`, as page(). */
  async totals(componentIds: string[], environment: string | null = null): Promise<{ components: number; artifacts: number; services: number; hits: number }> {
    const { rows } = await this.db.pool.query<{ components: string; artifacts: string; services: string; hits: string }>(
      USAGE_SQL.totals,
      [componentIds, environment],
    );
    const r = rows[0]!;
    return { components: Number(r.components), artifacts: Number(r.artifacts), services: Number(r.services), hits: Number(r.hits) };
  }

  /**
   * One page in (component key, artifact digest, sbom id) order; keyset paging keeps pages stable.
   * With `environment`, only hits whose artifact runs there now.
   */
  async page(componentIds: string[], after: UsageCursor | undefined, limit: number, environment: string | null = null): Promise<UsageHit[]> {
    const { rows } = await this.db.pool.query<UsageHit>(
      USAGE_SQL.page,
      [componentIds, after?.key ?? null, after?.digest ?? '', after?.sbom ?? '', limit, environment],
    );
    return rows;
  }

  /** Services each artifact is built for. Index: artifact_service primary key. */
  async servicesOf(artifactIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!artifactIds.length) return out;
    const { rows } = await this.db.pool.query<{ artifactId: string; name: string }>(
      USAGE_SQL.servicesOf,
      [artifactIds],
    );
    for (const r of rows) out.set(r.artifactId, [...(out.get(r.artifactId) ?? []), r.name]);
    return out;
  }

  /**
   * The statements about one vulnerability (`vulnerabilityId` normalized: normalizeVulnerabilityId)
   * in the verified OpenVEX attestations each artifact is a subject of (every attestation row was
   * verified at ingest), each attestation read as a document of those statements only. Indexes:
   * attestation_subject_artifact_idx, vex_statement's primary key.
   */
  async vexOf(artifactIds: string[], vulnerabilityId: string): Promise<Map<string, VexDocument[]>> {
    const out = new Map<string, VexDocument[]>();
    if (!artifactIds.length) return out;
    const { rows } = await this.db.pool.query<{ artifactId: string; digest: string; name: string | null; id: string; signer: string; verifiedAt: Date; ord: number; statement: unknown; documentTimestamp: string | null }>(
      USAGE_SQL.vexOf,
      [artifactIds, vulnerabilityId],
    );
    // Rows come per subject and statement, by attestation then statement: each attestation's
    // statements are gathered once, then read as one document for each of its subjects.
    const byAttestation = new Map<string, { statements: Map<number, unknown>; documentTimestamp: string | null; subjects: Map<string, typeof rows[number]> }>();
    for (const r of rows) {
      let a = byAttestation.get(r.id);
      if (!a) byAttestation.set(r.id, a = { statements: new Map(), documentTimestamp: r.documentTimestamp, subjects: new Map() });
      a.statements.set(r.ord, r.statement);
      a.subjects.set(r.artifactId, r);
    }
    for (const [id, a] of byAttestation) {
      const facts = readVex(a.documentTimestamp === null ? { statements: [...a.statements.values()] } : { timestamp: a.documentTimestamp, statements: [...a.statements.values()] });
      if (!facts) continue;
      for (const r of a.subjects.values()) {
        let docs = out.get(r.artifactId);
        if (!docs) out.set(r.artifactId, (docs = []));
        docs.push({ attestationId: id, signer: r.signer, verifiedAt: r.verifiedAt, subject: { digest: r.digest, name: r.name }, facts });
      }
    }
    return out;
  }

  /** Where each artifact runs now. Index: deployment_current_artifact_idx (partial, until IS NULL). */
  async currentDeploymentsOf(artifactIds: string[]): Promise<Map<string, Array<{ service: string; environment: string; since: Date }>>> {
    const out = new Map<string, Array<{ service: string; environment: string; since: Date }>>();
    if (!artifactIds.length) return out;
    const { rows } = await this.db.pool.query<{ artifactId: string; service: string; environment: string; since: Date }>(
      USAGE_SQL.currentDeploymentsOf,
      [artifactIds],
    );
    for (const r of rows) out.set(r.artifactId, [...(out.get(r.artifactId) ?? []), { service: r.service, environment: r.environment, since: r.since }]);
    return out;
  }

  /**
   * One root-to-component path per (sbom, component), by walking the stored shortest-path parents:
   * a few primary-key lookups per hit instead of a graph search.
   */
  async paths(pairs: Array<{ sbomId: string; componentId: string }>): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!pairs.length) return out;
    const { rows } = await this.db.pool.query<{ ord: string; step: number; label: string; root: string | null; depth: number | null }>(
      USAGE_SQL.paths,
      [pairs.map((p) => p.sbomId), pairs.map((p) => p.componentId)],
    );
    const byOrd = new Map<string, { labels: string[]; root: string | null; reachable: boolean }>();
    for (const r of rows) {
      let e = byOrd.get(r.ord);
      if (!e) { e = { labels: [], root: r.root, reachable: true }; byOrd.set(r.ord, e); }
      // The walk's top element must be a direct dependency (depth 1), else the path is unknown.
      if (e.labels.length === 0 && r.depth !== 1) e.reachable = false;
      e.labels.push(r.label);
    }
    pairs.forEach((p, i) => {
      const e = byOrd.get(String(i + 1));
      if (!e || !e.reachable) return;
      out.set(`${p.sbomId}/${p.componentId}`, e.root ? [e.root, ...e.labels] : e.labels);
    });
    return out;
  }
}

/**
 * A stored OpenVEX predicate, read at ingest by the parser of its day: one this parser cannot read
 * says nothing here, rather than failing the whole search.
 */
function readVex(predicate: unknown): VexFacts | undefined {
  try {
    return toVexFacts(predicate);
  } catch {
    return undefined;
  }
}
