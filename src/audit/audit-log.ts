// Durable, hash-chained audit log with group commit: concurrent appends that arrive while a flush
// is running are written together by the next flush, in one transaction and one INSERT per table,
// so durability costs one fsync per batch rather than per decision.
import type pg from 'pg';
import { GENESIS_HASH, hashEvent, type ChainEvent } from './chain.ts';

export interface AuditEntry { kind: string; actor?: string | undefined; subject?: string | undefined; payload: unknown; at?: Date }

/** Extra rows written in the same transaction as a batch of audit events (e.g. decision rows). */
export interface BatchSideWrite<T> {
  write(client: pg.ClientBase, items: T[]): Promise<void>;
}

// The advisory lock makes the chain linear across replicas; it is held only for the append itself.
const AUDIT_LOCK_KEY = 7_412_339_002;

export async function appendAuditEvents(client: pg.ClientBase, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
  const { rows } = await client.query<{ hash: string }>('SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1');
  let prev = rows[0]?.hash ?? GENESIS_HASH;
  const at: string[] = [], kind: string[] = [], actor: (string | null)[] = [], subject: (string | null)[] = [];
  const payload: string[] = [], prevHash: string[] = [], hash: string[] = [];
  for (const e of entries) {
    // Round-trip the payload through JSON so the hashed value is exactly what jsonb will return.
    const ev: ChainEvent = { at: e.at ?? new Date(), kind: e.kind, actor: e.actor ?? null, subject: e.subject ?? null, payload: JSON.parse(JSON.stringify(e.payload ?? null)) };
    const h = hashEvent(prev, ev);
    at.push(ev.at.toISOString()); kind.push(ev.kind); actor.push(ev.actor ?? null); subject.push(ev.subject ?? null);
    payload.push(JSON.stringify(ev.payload)); prevHash.push(prev); hash.push(h);
    prev = h;
  }
  // WITH ORDINALITY keeps the identity order equal to the chain order.
  await client.query(
    `INSERT INTO audit_event (at, kind, actor, subject, payload, prev_hash, hash)
     SELECT a, k, ac, s, p::jsonb, ph, h
     FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
       WITH ORDINALITY AS t(a, k, ac, s, p, ph, h, ord)
     ORDER BY ord`,
    [at, kind, actor, subject, payload, prevHash, hash],
  );
}

interface Pending<T> { entry: AuditEntry; side?: T; resolve: () => void; reject: (e: unknown) => void }

export class AuditLog<T = never> {
  private queue: Pending<T>[] = [];
  private flushing = false;
  /** Largest batch seen (for the benchmark and tests of group commit). */
  maxBatch = 0;
  batches = 0;

  constructor(private readonly pool: pg.Pool, private readonly sideWrite?: BatchSideWrite<T>) {}

  /** Resolves once the entry (and its side row) is committed. */
  append(entry: AuditEntry, side?: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, side, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      this.batches++;
      if (batch.length > this.maxBatch) this.maxBatch = batch.length;
      let client: pg.PoolClient | undefined;
      try {
        client = await this.pool.connect();
        await client.query('BEGIN');
        const sides = batch.filter((p) => p.side !== undefined).map((p) => p.side as T);
        if (this.sideWrite && sides.length) await this.sideWrite.write(client, sides);
        await appendAuditEvents(client, batch.map((p) => p.entry));
        await client.query('COMMIT');
        for (const p of batch) p.resolve();
      } catch (err) {
        await client?.query('ROLLBACK').catch(() => {});
        for (const p of batch) p.reject(err);
      } finally {
        client?.release();
      }
    }
    this.flushing = false;
  }
}
