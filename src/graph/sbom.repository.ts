// Writes one SBOM (document, artifacts, service, components, memberships, edges) in one
// transaction. Every bulk write is a single INSERT ... SELECT FROM unnest(...): one statement and
// a handful of array parameters whatever the row count (PostgreSQL allows 65,535 parameters).
import type pg from 'pg';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../platform/database.ts';
import type { AssembledGraph, ComponentRow } from '../ingest/sbom-assembly.ts';
import type { Finding } from '../sbom/inventory.ts';

export interface StoredSbomSummary {
  id: string;
  documentId: string;
  digest: string;
  format: string;
  encoding: string;
  specVersion: string;
  subjectName: string | null;
  subjectVersion: string | null;
  subjectPurl: string | null;
  subjectDigest: string | null;
  componentCount: number;
  findings: Finding[];
}

export interface NewSbom {
  format: string;
  encoding: string;
  specVersion: string;
  serialNumber?: string;
  name?: string;
  subject?: { name?: string; version?: string; purl?: string };
  artifactDigests: string[];
  artifactName?: string;
  service?: string;
  graph: AssembledGraph;
  /** Component id per row of `graph` (from ComponentRowWriter). */
  componentIds: Float64Array;
  findings: Finding[];
  attestationId?: string;
}

const SUMMARY_SQL = `
  SELECT s.id, s.document_id AS "documentId", d.digest, s.format, s.encoding, s.spec_version AS "specVersion",
         s.subject_name AS "subjectName", s.subject_version AS "subjectVersion", s.subject_purl AS "subjectPurl",
         (SELECT a.digest FROM sbom_artifact sa JOIN artifact a ON a.id = sa.artifact_id WHERE sa.sbom_id = s.id ORDER BY a.digest LIMIT 1) AS "subjectDigest",
         s.component_count AS "componentCount", s.findings
  FROM sbom s JOIN document d ON d.id = s.document_id`;

/**
 * Rows per statement. One INSERT ... unnest per chunk keeps the serialised parameter arrays (and
 * so the memory a 100k-component SBOM needs) bounded; all chunks run in the caller's transaction.
 */
export const CHUNK_ROWS = 10_000;

function* chunks(n: number): Generator<[number, number]> {
  for (let i = 0; i < n; i += CHUNK_ROWS) yield [i, Math.min(n, i + CHUNK_ROWS)];
}

export async function upsertArtifacts(client: pg.ClientBase, digests: string[], name?: string): Promise<Map<string, string>> {
  if (digests.length === 0) return new Map();
  await client.query(
    `INSERT INTO artifact (digest, name) SELECT d, $2 FROM unnest($1::text[]) AS t(d) ORDER BY d ON CONFLICT (digest) DO NOTHING`,
    [digests, name ?? null],
  );
  const { rows } = await client.query<{ id: string; digest: string }>('SELECT id, digest FROM artifact WHERE digest = ANY($1::text[])', [digests]);
  return new Map(rows.map((r) => [r.digest, r.id]));
}

export async function upsertService(client: pg.ClientBase, name: string): Promise<string> {
  await client.query('INSERT INTO service (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [name]);
  const { rows } = await client.query<{ id: string }>('SELECT id FROM service WHERE name = $1', [name]);
  return rows[0]!.id;
}

export async function linkArtifactsToService(client: pg.ClientBase, artifactIds: string[], serviceId: string): Promise<void> {
  if (artifactIds.length === 0) return;
  await client.query(
    `INSERT INTO artifact_service (artifact_id, service_id) SELECT a, $2 FROM unnest($1::bigint[]) AS t(a) ON CONFLICT DO NOTHING`,
    [artifactIds, serviceId],
  );
}

/**
 * Upserts an SBOM's component rows batch by batch, as the assembler hands them out, and keeps the
 * component id of every row (indexed by row, as AssembledGraph refers to rows).
 */
export class ComponentRowWriter {
  #ids = new Float64Array(1024);
  #written = 0;
  constructor(private readonly client: pg.ClientBase) {}

  get ids(): Float64Array {
    return this.#ids.subarray(0, this.#written);
  }

  /** `rows` are the next rows in row order (SbomAssembler.takeRows()). */
  async write(rows: ComponentRow[]): Promise<void> {
    if (this.#written + rows.length > this.#ids.length) {
      const grown = new Float64Array(Math.max(this.#ids.length * 2, this.#written + rows.length));
      grown.set(this.#ids);
      this.#ids = grown;
    }
    for (const [from, to] of chunks(rows.length)) {
      const part = rows.slice(from, to);
      const ids = await upsertComponents(this.client, part);
      for (let i = 0; i < part.length; i++) this.#ids[this.#written + from + i] = Number(ids.get(part[i]!.key));
    }
    this.#written += rows.length;
  }
}

/** Inserts missing components and returns key → id for all of them. */
async function upsertComponents(client: pg.ClientBase, part: ComponentRow[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const col = <K extends keyof ComponentRow>(k: K) => part.map((r) => r[k]);
  const keys = col('key');
  // Sorted insertion order keeps concurrent ingests from deadlocking on the unique index (within a
  // statement; across statements the ingest retries a deadlock victim).
  const { rows: found } = await client.query<{ id: string; key: string }>(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         AS t(key, purl, package_key, type, namespace, name, version, qualifiers, version_key)
     ), ins AS (
       INSERT INTO component (key, purl, package_key, type, namespace, name, version, qualifiers, version_key)
       SELECT key, purl, package_key, type, namespace, name, version, qualifiers, version_key FROM input ORDER BY key
       ON CONFLICT (key) DO NOTHING
       RETURNING id, key
     )
     SELECT id, key FROM ins
     UNION ALL
     SELECT c.id, c.key FROM component c JOIN input i ON c.key = i.key`,
    [keys, col('purl'), col('packageKey'), col('type'), col('namespace'), col('name'), col('version'), col('qualifiers'), col('versionKey')],
  );
  for (const r of found) ids.set(r.key, r.id);
  const missing = keys.filter((k) => !ids.has(k));
  if (missing.length) {
    // A concurrent transaction inserted some keys after our snapshot: read them with a new one.
    const { rows: late } = await client.query<{ id: string; key: string }>('SELECT id, key FROM component WHERE key = ANY($1::text[])', [missing]);
    for (const r of late) ids.set(r.key, r.id);
  }
  return ids;
}

/**
 * One row of PostgreSQL's binary COPY format (https://www.postgresql.org/docs/15/sql-copy.html,
 * "Binary Format"): text and int4 fields, then a last bytea field of `size` bytes taken from
 * `content` as it comes. The bytes are sent as they are: no hex doubling, no copy.
 */
async function* binaryCopyRow(fields: Array<string | number | null>, size: number, content: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const int16 = (v: number) => { const b = Buffer.alloc(2); b.writeInt16BE(v); return b; };
  const int32 = (v: number) => { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; };
  const head: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), int32(0), int32(0), int16(fields.length + 1)];
  for (const f of fields) {
    if (f === null) head.push(int32(-1));
    else if (typeof f === 'number') head.push(int32(4), int32(f));
    else {
      const b = Buffer.from(f, 'utf8');
      head.push(int32(b.length), b);
    }
  }
  head.push(int32(size));
  yield Buffer.concat(head);
  let sent = 0;
  // Each chunk is copied: the source may reuse its read buffer before the socket has sent it.
  for await (const chunk of content) {
    sent += chunk.length;
    yield Buffer.from(chunk);
  }
  if (sent !== size) throw new Error(`document stream gave ${sent} bytes, expected ${size}`);
  yield int16(-1);
}

export class SbomRepository {
  constructor(private readonly db: Database) {}

  async findByDocumentDigest(digest: string): Promise<StoredSbomSummary | undefined> {
    const { rows } = await this.db.pool.query<StoredSbomSummary>(`${SUMMARY_SQL} WHERE d.digest = $1 AND s.attestation_id IS NULL`, [digest]);
    return rows[0];
  }

  async findById(id: string): Promise<StoredSbomSummary | undefined> {
    const { rows } = await this.db.pool.query<StoredSbomSummary>(`${SUMMARY_SQL} WHERE s.id = $1`, [id]);
    return rows[0];
  }

  /** The summary with every artifact the SBOM is bound to, when it was stored, and the attestation it came in (if any). */
  async findRecord(id: string): Promise<(StoredSbomSummary & { artifacts: string[]; createdAt: Date; attestationId: string | null }) | undefined> {
    const { rows } = await this.db.pool.query<StoredSbomSummary & { artifacts: string[]; createdAt: Date; attestationId: string | null }>(
      `SELECT x.*, s.created_at AS "createdAt", s.attestation_id AS "attestationId",
              ARRAY(SELECT a.digest FROM sbom_artifact sa JOIN artifact a ON a.id = sa.artifact_id WHERE sa.sbom_id = s.id ORDER BY a.digest) AS artifacts
       FROM (${SUMMARY_SQL} WHERE s.id = $1) x JOIN sbom s ON s.id = x.id`,
      [id],
    );
    return rows[0];
  }

  /** Binds an already stored SBOM to more artifacts and a service (re-upload with new query parameters). */
  async bindExisting(client: pg.ClientBase, sbomId: string, artifactDigests: string[], service?: string, artifactName?: string): Promise<void> {
    const artifacts = await upsertArtifacts(client, artifactDigests, artifactName);
    const ids = [...artifacts.values()];
    if (ids.length) {
      await client.query(`INSERT INTO sbom_artifact (sbom_id, artifact_id) SELECT $1, a FROM unnest($2::bigint[]) AS t(a) ON CONFLICT DO NOTHING`, [sbomId, ids]);
    }
    if (service) {
      // The service is for the artifact named in this upload; only without one does it apply to
      // the artifacts the SBOM is already bound to.
      let targets = ids;
      if (!targets.length) {
        const { rows } = await client.query<{ artifact_id: string }>('SELECT artifact_id FROM sbom_artifact WHERE sbom_id = $1', [sbomId]);
        targets = rows.map((r) => r.artifact_id);
      }
      await linkArtifactsToService(client, targets, await upsertService(client, service));
    }
  }

  /**
   * insertDocument for a body too large to pass as one parameter: the bytes stream into a binary
   * COPY chunk by chunk, so neither this process nor the driver builds one message holding them.
   * COPY has no ON CONFLICT: a concurrent upload of the same bytes surfaces as a unique violation,
   * rolled back to a savepoint and reported like insertDocument's conflict.
   */
  async insertDocumentStream(client: pg.ClientBase, digest: string, kind: 'sbom' | 'attestation', mediaType: string | undefined, size: number, content: AsyncIterable<Buffer>): Promise<string | undefined> {
    await client.query('SAVEPOINT attestant_document');
    try {
      const copy = client.query(copyFrom('COPY document (digest, kind, media_type, size_bytes, content) FROM STDIN (FORMAT binary)'));
      await pipeline(Readable.from(binaryCopyRow([digest, kind, mediaType ?? null, size], size, content)), copy);
    } catch (err) {
      await client.query('ROLLBACK TO SAVEPOINT attestant_document');
      if ((err as { code?: string }).code === '23505') return undefined;
      throw err;
    }
    await client.query('RELEASE SAVEPOINT attestant_document');
    const { rows } = await client.query<{ id: string }>('SELECT id FROM document WHERE digest = $1', [digest]);
    return rows[0]?.id;
  }

  /** Inserts the document row; returns undefined when the same bytes are already stored. */
  async insertDocument(client: pg.ClientBase, digest: string, kind: 'sbom' | 'attestation', mediaType: string | undefined, content: Buffer): Promise<string | undefined> {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO document (digest, kind, media_type, size_bytes, content) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (digest) DO NOTHING RETURNING id`,
      [digest, kind, mediaType ?? null, content.length, content],
    );
    return rows[0]?.id;
  }

  /** Everything but the document row and the component rows (ComponentRowWriter), inside the caller's transaction. */
  async insertSbom(client: pg.ClientBase, documentId: string, s: NewSbom): Promise<string> {
    const g = s.graph;
    const ids = s.componentIds;
    const rootId = g.rootRow >= 0 ? ids[g.rootRow]! : null;
    const memberCount = g.members.row.length;
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO sbom (document_id, attestation_id, format, encoding, spec_version, serial_number, name, root_component_id,
                         subject_name, subject_version, subject_purl, component_count, findings)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb) RETURNING id`,
      [documentId, s.attestationId ?? null, s.format, s.encoding, s.specVersion, s.serialNumber ?? null, s.name ?? null, rootId,
        s.subject?.name ?? null, s.subject?.version ?? null, s.subject?.purl ?? null, memberCount, JSON.stringify(s.findings)],
    );
    const sbomId = rows[0]!.id;

    const m = g.members;
    for (const [from, to] of chunks(memberCount)) {
      const component: number[] = [], direct: boolean[] = [], depth: Array<number | null> = [], parent: Array<number | null> = [];
      for (let i = from; i < to; i++) {
        component.push(ids[m.row[i]!]!);
        direct.push(m.direct[i] === 1);
        depth.push(m.depth[i]! >= 0 ? m.depth[i]! : null);
        parent.push(m.parent[i]! >= 0 ? ids[m.parent[i]!]! : null);
      }
      await client.query(
        `INSERT INTO sbom_component (sbom_id, component_id, direct, depth, parent_component_id)
         SELECT $1, c, d, dp, p FROM unnest($2::bigint[], $3::boolean[], $4::int[], $5::bigint[]) AS t(c, d, dp, p)`,
        [sbomId, component, direct, depth, parent],
      );
    }
    for (const [from, to] of chunks(g.edges.from.length)) {
      const parents: number[] = [], children: number[] = [];
      for (let i = from; i < to; i++) {
        parents.push(ids[g.edges.from[i]!]!);
        children.push(ids[g.edges.to[i]!]!);
      }
      await client.query(
        `INSERT INTO dependency_edge (sbom_id, parent_id, child_id)
         SELECT $1, p, c FROM unnest($2::bigint[], $3::bigint[]) AS t(p, c) ON CONFLICT DO NOTHING`,
        [sbomId, parents, children],
      );
    }
    const artifacts = await upsertArtifacts(client, s.artifactDigests, s.artifactName);
    const artifactIds = [...artifacts.values()];
    if (artifactIds.length) {
      await client.query(`INSERT INTO sbom_artifact (sbom_id, artifact_id) SELECT $1, a FROM unnest($2::bigint[]) AS t(a) ON CONFLICT DO NOTHING`, [sbomId, artifactIds]);
    }
    if (s.service) await linkArtifactsToService(client, artifactIds, await upsertService(client, s.service));
    return sbomId;
  }
}
