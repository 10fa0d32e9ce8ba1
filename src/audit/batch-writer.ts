// One group-commit batch to PostgreSQL: a single statement, its own transaction.
// attestant_audit_append takes the chain lock, compares the head and inserts the events (and the
// reasons texts they reference), with the indexed columns the writer sends beside the bodies so
// that the database need not parse them (migration 20261204010000_audit_append_columns). The
// writer chains the batch itself from the head it expects, so the database hashes nothing; when
// that expectation is wrong (another process appended, or a batch failed) the database chains the
// batch itself, so a wrong guess is slow, never a broken chain.
import type pg from 'pg';
import { linkHash, type EventColumns } from './chain.ts';

const APPEND = 'SELECT attestant_audit_append($1::text, $2::text, $3::text, $4::json, $5::text, $6::text, $7::text, $8::text) AS head';

/**
 * `bodies`: the events' JSON bodies, sent joined by newlines, which JSON.stringify never emits (a
 * raw newline inside a string is written as \n); `blobs`: [digest, text] pairs the bodies reference.
 */
export interface AuditBatch { bodies: readonly string[]; blobs: Array<[digest: string, body: string]>; columns?: AuditColumns | undefined }

/**
 * Each event's indexed columns, one list per column, newline-joined in the bodies' order; an empty
 * field is NULL. Only for values that hold no newline and are not empty (see auditColumns).
 */
export interface AuditColumns { at: string; kinds: string; actors: string; subjects: string }

/** The event fields as columns, or undefined when one of them cannot be sent joined (the database then parses the bodies). */
export function auditColumns(events: readonly EventColumns[]): AuditColumns | undefined {
  const at: string[] = [];
  const kinds: string[] = [];
  const actors: string[] = [];
  const subjects: string[] = [];
  for (const e of events) {
    if (!joinable(e.kind) || (e.actor !== null && !joinable(e.actor)) || (e.subject !== null && !joinable(e.subject))) return undefined;
    at.push(e.at);
    kinds.push(e.kind);
    actors.push(e.actor ?? '');
    subjects.push(e.subject ?? '');
  }
  return { at: at.join('\n'), kinds: kinds.join('\n'), actors: actors.join('\n'), subjects: subjects.join('\n') };
}

function joinable(value: string): boolean {
  return value !== '' && !value.includes('\n');
}

function columnArgs(c: AuditColumns | undefined): Array<string | null> {
  return c ? [c.at, c.kinds, c.actors, c.subjects] : [null, null, null, null];
}

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
  await client.query(APPEND, [batch.bodies.join('\n'), null, null, blobsArg(batch.blobs), ...columnArgs(batch.columns)]);
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
        values: [batch.bodies.join('\n'), expected ?? null, hashes?.join(',') ?? null, blobsArg(batch.blobs), ...columnArgs(batch.columns)],
      });
      this.#expectedHead = result.rows[0]?.head;
    } catch (err) {
      this.#expectedHead = undefined;
      throw err;
    }
  }
}
