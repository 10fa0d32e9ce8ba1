// One group-commit batch to PostgreSQL: a single statement, its own transaction.
// attestant_audit_append takes the chain lock, compares the head and inserts the events (and the
// reasons texts they reference). The writer chains the batch itself from the head it expects, so
// the database hashes nothing; when that expectation is wrong (another process appended, or a batch
// failed) the database chains the batch itself, so a wrong guess is slow, never a broken chain.
import type pg from 'pg';
import { linkHash } from './chain.ts';

const APPEND = 'SELECT attestant_audit_append($1::text, $2::text, $3::text, $4::json) AS head';

/**
 * `bodies`: the events' JSON bodies, sent joined by newlines, which JSON.stringify never emits (a
 * raw newline inside a string is written as \n); `blobs`: [digest, text] pairs the bodies reference.
 */
export interface AuditBatch { bodies: readonly string[]; blobs: Array<[digest: string, body: string]> }

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
  await client.query(APPEND, [batch.bodies.join('\n'), null, null, blobsArg(batch.blobs)]);
}

function blobsArg(blobs: AuditBatch['blobs']): string | null {
  return blobs.length ? JSON.stringify(blobs) : null;
}

/** Writes one batch at a time: the caller waits for each write before the next. */
export class BatchWriter {
  /** The chain head the database returned for the last batch; undefined after a failure, until one succeeds. */
  #expectedHead: string | undefined;

  constructor(private readonly pool: pg.Pool) {}

  async write(batch: AuditBatch): Promise<void> {
    const expected = this.#expectedHead;
    const hashes = expected ? chainHashes(expected, batch.bodies) : undefined;
    try {
      // Named: the connection parses and plans the call once, not once per batch.
      const result = await this.pool.query<{ head: string }>({
        name: 'attestant_audit_append', text: APPEND,
        values: [batch.bodies.join('\n'), expected ?? null, hashes?.join(',') ?? null, blobsArg(batch.blobs)],
      });
      this.#expectedHead = result.rows[0]?.head;
    } catch (err) {
      this.#expectedHead = undefined;
      throw err;
    }
  }
}
