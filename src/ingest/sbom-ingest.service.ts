// SBOM ingest: decode → parse (pure) → validate → assemble (pure) → one transaction.
import type { Database } from '../platform/database.ts';
import { withTransaction } from '../platform/database.ts';
import { AppError } from '../platform/errors.ts';
import type { Metrics } from '../platform/metrics.ts';
import { appendAuditEvents } from '../audit/audit-log.ts';
import { computeMemberships, parseSbomDocument, validateSbom, type Finding, type Inventory } from '../sbom/index.ts';
import { SbomRepository, type StoredSbomSummary } from '../graph/sbom.repository.ts';
import { assembleSbom } from './sbom-assembly.ts';
import { notifyArtifacts } from '../graph/change-feed.ts';
import { collectGarbage } from '../platform/gc.ts';
import { sha256Digest } from './body.ts';

export interface SbomIngestRequest {
  bytes: Buffer;
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

function toResponse(s: Omit<StoredSbomSummary, 'documentId' | 'encoding' | 'subjectVersion'>): SbomIngestResponse {
  const subject: SbomIngestResponse['subject'] = {};
  if (s.subjectDigest) subject.digest = s.subjectDigest;
  if (s.subjectName) subject.name = s.subjectName;
  if (s.subjectPurl) subject.purl = s.subjectPurl;
  return { id: s.id, digest: s.digest, format: s.format, specVersion: s.specVersion, subject, componentCount: s.componentCount, warnings: s.findings };
}

/** From this size on, ingest reclaims each phase's garbage before the next phase allocates. */
const LARGE_DOCUMENT_BYTES = 8 * 1024 * 1024;

/** What ingest keeps of a parsed SBOM: its header and the assembled rows, not the document tree. */
export interface PreparedSbom {
  inventory: Omit<Inventory, 'components' | 'edges'>;
  findings: Finding[];
  assembled: ReturnType<typeof assembleSbom>;
}

/**
 * Pure part of ingest, shared with SBOM predicates of attestations. Memory: the parsed JSON tree
 * and the inventory's component list become garbage as soon as they are used, so the SQL phase
 * holds only the rows it writes (the largest live objects of a 50 MB upload).
 */
export async function prepareSbom(bytes: Buffer, contentType: string | undefined, strict: boolean): Promise<PreparedSbom> {
  // The request's chunks were just concatenated into `bytes`: reclaim them before parsing.
  if (bytes.length >= LARGE_DOCUMENT_BYTES) collectGarbage();
  let doc: ReturnType<typeof parseSbomDocument> | undefined = parseSbomDocument(bytes, contentType);
  const { inventory, kind } = doc;
  const schemaFindings = await validateSbom(kind, inventory.specVersion, bytes, doc.parsed);
  doc = undefined;
  if (bytes.length >= LARGE_DOCUMENT_BYTES) collectGarbage();
  if (strict && schemaFindings.some((f) => f.code !== 'SCHEMA_UNAVAILABLE')) {
    throw new SbomRejected('SBOM_SCHEMA_INVALID', `The document breaks the ${inventory.format} ${inventory.specVersion} schema (${schemaFindings.length} violations).`, { errors: schemaFindings });
  }
  const assembled = assembleSbom(inventory, computeMemberships(inventory));
  const { components: _components, edges: _edges, ...header } = inventory;
  if (bytes.length >= LARGE_DOCUMENT_BYTES) queueMicrotask(collectGarbage);
  return { inventory: header, findings: [...inventory.findings, ...schemaFindings, ...assembled.findings], assembled };
}

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
    const digest = sha256Digest(req.bytes);
    const existing = await this.repo.findByDocumentDigest(digest);
    if (existing) return this.duplicate(existing, req);

    const { inventory, findings, assembled } = await prepareSbom(req.bytes, req.contentType, req.strict);
    const artifactDigests = req.artifact ? [req.artifact] : [...new Set(inventory.subject?.digests ?? [])];
    const result = await withTransaction(this.db.pool, async (client) => {
      const documentId = await this.repo.insertDocument(client, digest, 'sbom', req.contentType, req.bytes);
      if (!documentId) return undefined; // lost a race with the same bytes: fall through to duplicate
      const sbomId = await this.repo.insertSbom(client, documentId, {
        format: inventory.format, encoding: inventory.encoding, specVersion: inventory.specVersion,
        serialNumber: inventory.serialNumber, name: inventory.name,
        subject: inventory.subject, artifactDigests, artifactName: req.name, service: req.service,
        assembled, findings,
      });
      await notifyArtifacts(client, artifactDigests);
      await appendAuditEvents(client, [{ kind: 'sbom.ingested', actor: req.actor, subject: digest, payload: { sbomId, artifacts: artifactDigests, service: req.service ?? null, components: assembled.memberships.length } }]);
      return sbomId;
    });
    if (result === undefined) {
      const raced = await this.repo.findByDocumentDigest(digest);
      if (raced) return this.duplicate(raced, req);
      throw new Error('document insert conflicted but no SBOM is stored');
    }
    this.onArtifacts(artifactDigests);
    this.metrics?.ingests.inc({ kind: 'sbom', result: 'created' });
    // Everything the response says is known here; no need to read it back.
    return {
      created: true,
      body: toResponse({
        id: result, digest, format: inventory.format, specVersion: inventory.specVersion,
        subjectName: inventory.subject?.name ?? null, subjectPurl: inventory.subject?.purl ?? null,
        subjectDigest: [...artifactDigests].sort()[0] ?? null, componentCount: assembled.memberships.length, findings,
      }),
    };
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
