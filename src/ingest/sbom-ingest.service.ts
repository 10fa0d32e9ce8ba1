// SBOM ingest: spool → dedupe by digest → one transaction: read (parse, validate, assemble,
// streaming for CycloneDX JSON) while component rows are written in batches → document, SBOM,
// memberships, edges, audit. A schema-invalid document in strict mode rolls it all back.
import type pg from 'pg';
import type { Database } from '../platform/database.ts';
import { withTransaction } from '../platform/database.ts';
import { AppError } from '../platform/errors.ts';
import type { Metrics } from '../platform/metrics.ts';
import { appendAuditEvents } from '../audit/audit-log.ts';
import type { Finding, InventoryHeader } from '../sbom/index.ts';
import { ComponentRowWriter, SbomRepository, type StoredSbomSummary } from '../graph/sbom.repository.ts';
import { SbomAssembler } from './sbom-assembly.ts';
import { notifyArtifacts } from '../graph/change-feed.ts';
import { SpooledBody } from './body-spool.ts';
import { readSbom } from './sbom-reader.ts';
import { collectGarbage } from '../platform/gc.ts';

export interface SbomIngestRequest {
  body: SpooledBody;
  contentType?: string;
  artifact?: string;
  name?: string;
  service?: string;
  strict: boolean;
  actor?: string;
}

export interface SbomIngestResponse {
  id: string;
  digest: string;
  format: string;
  specVersion: string;
  subject: { digest?: string; name?: string; purl?: string };
  componentCount: number;
  warnings: Finding[];
}

export class SbomRejected extends AppError<'SBOM_SCHEMA_INVALID'> {}

/** The ingest answer for a stored SBOM (also the core of GET /v1/sboms/{id}). */
export function toResponse(s: Omit<StoredSbomSummary, 'documentId' | 'encoding' | 'subjectVersion'>): SbomIngestResponse {
  const subject: SbomIngestResponse['subject'] = {};
  if (s.subjectDigest) subject.digest = s.subjectDigest;
  if (s.subjectName) subject.name = s.subjectName;
  if (s.subjectPurl) subject.purl = s.subjectPurl;
  return { id: s.id, digest: s.digest, format: s.format, specVersion: s.specVersion, subject, componentCount: s.componentCount, warnings: s.findings };
}

/** A parsed SBOM whose component rows are still in its assembler (nothing written yet). */
export interface PreparedSbom {
  header: InventoryHeader;
  findings: Finding[];
  assembler: SbomAssembler;
}

function throwIfStrict(strict: boolean, header: InventoryHeader, schemaFindings: Finding[]): void {
  if (strict && schemaFindings.some((f) => f.code !== 'SCHEMA_UNAVAILABLE')) {
    throw new SbomRejected('SBOM_SCHEMA_INVALID', `The document breaks the ${header.format} ${header.specVersion} schema (${schemaFindings.length} violations).`, { errors: schemaFindings });
  }
}

/** The whole read, before any transaction: for SBOM predicates of attestations (small, in memory). */
export async function prepareSbom(bytes: Buffer, contentType: string | undefined, strict: boolean): Promise<PreparedSbom> {
  const assembler = new SbomAssembler();
  const { header, schemaFindings } = await readSbom(SpooledBody.fromBuffer(bytes), assembler, { contentType });
  throwIfStrict(strict, header, schemaFindings);
  return { header, findings: [...header.findings, ...schemaFindings, ...assembler.findings], assembler };
}

/** Writes a prepared SBOM's rows; returns what insertSbom needs besides the header. */
export async function writeComponentRows(client: pg.ClientBase, assembler: SbomAssembler, writer = new ComponentRowWriter(client)): Promise<{ graph: ReturnType<SbomAssembler['finish']>; componentIds: Float64Array }> {
  await writer.write(assembler.takeRows());
  return { graph: assembler.finish(), componentIds: writer.ids };
}

/**
 * Passes chunks through, collecting garbage every few megabytes: each chunk is copied into a
 * socket buffer, off-heap garbage V8 would otherwise let pile up to tens of megabytes.
 */
async function* reclaiming(chunks: AsyncIterable<Buffer>, everyBytes = 4 * 1024 * 1024): AsyncGenerator<Buffer> {
  let since = 0;
  for await (const chunk of chunks) {
    yield chunk;
    since += chunk.length;
    if (since >= everyBytes) {
      since = 0;
      collectGarbage();
    }
  }
}

/** Thrown inside the transaction when another upload stored the same bytes first: roll back, answer as a duplicate. */
class LostDocumentRace extends Error {}

export class SbomIngestService {
  private readonly repo: SbomRepository;

  /**
   * `onArtifacts` runs after commit for the artifacts whose facts changed, so this process reads
   * its own writes at once; other replicas learn it from the NOTIFY sent in the transaction.
   */
  constructor(private readonly db: Database, private readonly metrics?: Metrics, private readonly onArtifacts: (digests: string[]) => void = () => {}) {
    this.repo = new SbomRepository(db);
  }

  async ingest(req: SbomIngestRequest): Promise<{ created: boolean; body: SbomIngestResponse }> {
    const { body } = req;
    const digest = body.digest;
    const existing = await this.repo.findByDocumentDigest(digest);
    if (existing) return this.duplicate(existing, req);

    let stored: { sbomId: string; header: InventoryHeader; findings: Finding[]; artifactDigests: string[]; componentCount: number };
    try {
      stored = await this.#store(req);
    } catch (err) {
      if (!(err instanceof LostDocumentRace)) throw err;
      const raced = await this.repo.findByDocumentDigest(digest);
      if (raced) return this.duplicate(raced, req);
      throw new Error('document insert conflicted but no SBOM is stored');
    }
    const { sbomId, header, findings, artifactDigests, componentCount } = stored;
    this.onArtifacts(artifactDigests);
    this.metrics?.ingests.inc({ kind: 'sbom', result: 'created' });
    // Everything the response says is known here; no need to read it back.
    return {
      created: true,
      body: toResponse({
        id: sbomId, digest, format: header.format, specVersion: header.specVersion,
        subjectName: header.subject?.name ?? null, subjectPurl: header.subject?.purl ?? null,
        subjectDigest: [...artifactDigests].sort()[0] ?? null, componentCount, findings,
      }),
    };
  }

  /**
   * One transaction. Component rows are written while the document is still being read, so a
   * 100k-component SBOM never holds all its rows; a deadlock with a concurrent ingest of
   * overlapping components (rows go in batches, so lock order is only sorted within a batch)
   * retries the whole read once, from the spooled bytes.
   */
  async #store(req: SbomIngestRequest, attempt = 1): Promise<{ sbomId: string; header: InventoryHeader; findings: Finding[]; artifactDigests: string[]; componentCount: number }> {
    const { body } = req;
    try {
      return await withTransaction(this.db.pool, async (client) => {
        const assembler = new SbomAssembler();
        const writer = new ComponentRowWriter(client);
        // A body large enough to spill to disk is also large enough that V8, left alone, grows the
        // heap with each batch's garbage rather than collect it: peak memory is the target here.
        const flush = async () => {
          await writer.write(assembler.takeRows());
          if (!body.inMemory) collectGarbage();
        };
        // An in-memory body's document row is sent before the body is read: PostgreSQL compresses
        // and stores it (about 100 ms for 4 MB) while this process parses, on the other core.
        // Component rows the parse flushes meanwhile queue behind it on this connection, and a
        // document that turns out unusable rolls back with the transaction.
        const early = body.inMemory ? settled(this.repo.insertDocument(client, body.digest, 'sbom', req.contentType, await body.buffer())) : undefined;
        const { header, schemaFindings } = await readSbom(body, assembler, { contentType: req.contentType, flush });
        throwIfStrict(req.strict, header, schemaFindings);
        const earlyId = early ? await early.value() : undefined;
        const { graph, componentIds } = await writeComponentRows(client, assembler, writer);
        if (!body.inMemory) collectGarbage();
        const findings = [...header.findings, ...schemaFindings, ...assembler.findings];
        const artifactDigests = req.artifact ? [req.artifact] : [...new Set(header.subject?.digests ?? [])];
        const documentId = early
          ? earlyId
          : await this.repo.insertDocumentStream(client, body.digest, 'sbom', req.contentType, body.size, reclaiming(body.chunks()));
        if (!documentId) throw new LostDocumentRace();
        const sbomId = await this.repo.insertSbom(client, documentId, {
          format: header.format, encoding: header.encoding, specVersion: header.specVersion,
          serialNumber: header.serialNumber, name: header.name,
          subject: header.subject, artifactDigests, artifactName: req.name, service: req.service,
          graph, componentIds, findings,
        });
        await notifyArtifacts(client, artifactDigests);
        const componentCount = graph.members.row.length;
        await appendAuditEvents(client, [{ kind: 'sbom.ingested', actor: req.actor, subject: body.digest, payload: { sbomId, artifacts: artifactDigests, service: req.service ?? null, components: componentCount } }]);
        return { sbomId, header, findings, artifactDigests, componentCount };
      });
    } catch (err) {
      if (attempt === 1 && (err as { code?: string }).code === '40P01') return this.#store(req, 2);
      throw err;
    }
  }

  private async duplicate(existing: StoredSbomSummary, req: SbomIngestRequest): Promise<{ created: boolean; body: SbomIngestResponse }> {
    if (req.artifact || req.service) {
      await withTransaction(this.db.pool, async (client) => {
        await this.repo.bindExisting(client, existing.id, req.artifact ? [req.artifact] : [], req.service, req.name);
        if (req.artifact) await notifyArtifacts(client, [req.artifact]);
      });
      if (req.artifact) this.onArtifacts([req.artifact]);
      existing = (await this.repo.findById(existing.id)) ?? existing;
      // Report the subject this upload named, not whichever artifact was bound first.
      if (req.artifact) existing = { ...existing, subjectDigest: req.artifact };
    }
    this.metrics?.ingests.inc({ kind: 'sbom', result: 'duplicate' });
    return { created: false, body: toResponse(existing) };
  }
}

/**
 * A promise started now and awaited later: its rejection is held (not reported as unhandled in
 * between) and rethrown by value(). Unused when something else fails first: the transaction's
 * rollback discards what it did.
 */
function settled<T>(p: Promise<T>): { value(): Promise<T> } {
  const outcome = p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));
  return { value: async () => { const o = await outcome; if (o.ok) return o.v; throw o.e; } };
}
