// The stored evidence itself, so anyone can check it independently of this service: the bytes
// whose SHA-256 is the document digest we recorded, and for attestations the bundle that a Sigstore
// client (cosign, sigstore-js, slsa-verifier) verifies offline.
import type { FastifyReply } from 'fastify';
import type { DocumentRepository, StoredDocument } from '../graph/document.repository.ts';
import { NotFoundError } from '../platform/errors.ts';

const SBOM_MEDIA_TYPES: Readonly<Record<string, string>> = {
  'cyclonedx/json': 'application/vnd.cyclonedx+json',
  'cyclonedx/xml': 'application/vnd.cyclonedx+xml',
  'spdx/json': 'application/spdx+json',
  'spdx/tag-value': 'text/spdx',
};

/** The registered media type of an SBOM document (what the upload declared may have been generic). */
export function sbomMediaType(format: string, encoding: string): string {
  return SBOM_MEDIA_TYPES[`${format}/${encoding}`] ?? 'application/octet-stream';
}

/**
 * The media type of an attestation document, from its own content: a Sigstore bundle names its
 * version in `mediaType`; a bare DSSE envelope has `payloadType` and `signatures`; several lines
 * are in-toto's JSON Lines.
 */
export function attestationMediaType(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  let doc: { mediaType?: unknown; payloadType?: unknown; signatures?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    // Not one JSON document: stored, so it was read once, as JSON Lines.
    return 'application/vnd.in-toto+jsonl';
  }
  if (typeof doc.mediaType === 'string' && doc.mediaType.startsWith('application/vnd.dev.sigstore.bundle')) return doc.mediaType;
  if (typeof doc.payloadType === 'string' && Array.isArray(doc.signatures)) return 'application/vnd.dsse.envelope.v1+json';
  return 'application/json';
}

function sendDocument(reply: FastifyReply, doc: StoredDocument, mediaType: string): FastifyReply {
  const hex = doc.digest.replace(/^sha256:/, '');
  return reply
    .type(mediaType)
    // RFC 9530: the digest of the bytes sent, as a client can check it on arrival.
    .header('repr-digest', `sha-256=:${Buffer.from(hex, 'hex').toString('base64')}:`)
    .header('etag', `"${doc.digest}"`)
    // Stored documents never change: the same id always answers the same bytes.
    .header('cache-control', 'private, max-age=31536000, immutable')
    .send(doc.content);
}

/** Sends the stored document `documentId` of `owner` (for the 404's message), typed by its content. */
export async function sendStoredDocument(reply: FastifyReply, documents: DocumentRepository, documentId: string, owner: string, mediaType: (content: Buffer) => string): Promise<FastifyReply> {
  const doc = await documents.byId(documentId);
  if (!doc) throw new NotFoundError(`The document of ${owner} is not stored.`);
  return sendDocument(reply, doc, mediaType(doc.content));
}
