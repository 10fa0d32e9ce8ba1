// One group-commit batch to PostgreSQL: a single statement, its own transaction.
// attestant_audit_append takes the chain lock, compares the head and inserts the events (and the
// reasons texts they reference). The writer chains the batch itself from the head it expects, so
// the database hashes nothing; when that expectation is wrong (another process appended, or a batch
// failed) the database chains the batch itself, so a wrong guess is slow, never a broken chain.
import type pg from 'pg';
import { linkHash } from './chain.ts';

const APPEND = 'SELECT attestant_audit_append($1::text, $2::text, $3::text, $4::json) AS head';

/**
 * `bodies`: the events' JSON bodies joined by newlines, which JSON.stringify never emits (a raw
 * newline inside a string is written as \n); `blobs`: [digest, text] pairs the bodies reference.
 */
export interface AuditBatch { bodies: string; blobs: Array<[digest: string, body: string]> }

/** Hashes the bodies' links after `head`, exactly as attestant_audit_append does. */
export function chainHashes(head: string, bodies: readonly string[]): string[] {
  const out: string[] = [];
  let prev = head;
  for (const b of bodies) {
    prev = linkHash(prev, b);
    out.push(prev);
  }
  return out;
}

/** Appends inside the caller's transaction; the chain lock is held until it commits. */
export async function appendInTransaction(client: pg.ClientBase, batch: AuditBatch): Promise<void> {
  await client.query(APPEND, [batch.bodies, null, null, blobsArg(batch.blobs)]);
}

function blobsArg(blobs: AuditBatch['blobs']): string | null {
  return blobs.length ? JSON.stringify(blobs) : null;
}

/** Writes batches in the order they are given; several may be in flight at once. */
export class BatchWriter {
  /**
   * The chain head after the last batch sent, chained here from the head the database last
   * returned; undefined after a failure, until a batch comes back with the real head.
   */
  #expectedHead: string | undefined;
  #sent = 0;

  constructor(private readonly pool: pg.Pool) {}

  async write(batch: AuditBatch): Promise<void> {
    const seq = ++this.#sent;
    const expected = this.#expectedHead;
    const hashes = expected ? chainHashes(expected, batch.bodies.split('\n')) : undefined;
    this.#expectedHead = hashes?.[hashes.length - 1];
    try {
      // Named: each pooled connection parses and plans the call once, not once per batch.
      const result = await this.pool.query<{ head: string }>({
        name: 'attestant_audit_append', text: APPEND,
        values: [batch.bodies, expected ?? null, hashes?.join(',') ?? null, blobsArg(batch.blobs)],
      });
      // The database's head is the truth; it only replaces the expectation if no later batch has
      // been sent on top of this one since.
      if (seq === this.#sent) this.#expectedHead = result.rows[0]?.head;
    } catch (err) {
      this.#expectedHead = undefined;
      throw err;
    }
  }
}
