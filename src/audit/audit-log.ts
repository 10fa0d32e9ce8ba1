// Durable, hash-chained audit log with group commit: concurrent appends that arrive while a flush
// is running are written together by the next flush, in one transaction, so durability costs one
// WAL flush per batch rather than per decision. A batch is four round trips whatever its size:
// BEGIN+lock, read the chain head, one INSERT for the side rows and the events, COMMIT.
import type pg from 'pg';
import { GENESIS_HASH, hashEvent, type ChainEvent } from './chain.ts';

export interface AuditEntry { kind: string; actor?: string | undefined; subject?: string | undefined; payload: unknown; at?: Date }

/** Rows written in the same statement as a batch of audit events (e.g. decision rows). */
export interface BatchSideWrite<T> {
  /** An INSERT (no RETURNING needed) over `items`, whose parameters are numbered from `firstParam`. */
  insert(items: T[], firstParam: number): { sql: string; params: unknown[] };
}

// The advisory lock makes the chain linear across replicas; it is held only for the append itself.
export const AUDIT_LOCK_KEY = 7_412_339_002;

const AUDIT_INSERT = (p: number) => `INSERT INTO audit_event (at, kind, actor, subject, payload, prev_hash, hash)
  SELECT a, k, ac, s, pl::jsonb, ph, h
  FROM unnest($${p}::timestamptz[], $${p + 1}::text[], $${p + 2}::text[], $${p + 3}::text[], $${p + 4}::text[], $${p + 5}::text[], $${p + 6}::text[])
    WITH ORDINALITY AS t(a, k, ac, s, pl, ph, h, ord)
  ORDER BY ord`;

/** Chains `entries` after `prevHash`; returns the seven column arrays for AUDIT_INSERT. */
function chainColumns(prevHash: string, entries: AuditEntry[]): unknown[] {
  const at: string[] = [], kind: string[] = [], actor: (string | null)[] = [], subject: (string | null)[] = [];
  const payload: string[] = [], prev: string[] = [], hash: string[] = [];
  let p = prevHash;
  for (const e of entries) {
    // Round-trip the payload through JSON so the hashed value is exactly what jsonb will return.
    const json = JSON.stringify(e.payload ?? null);
    const ev: ChainEvent = { at: e.at ?? new Date(), kind: e.kind, actor: e.actor ?? null, subject: e.subject ?? null, payload: JSON.parse(json) };
    const h = hashEvent(p, ev);
    at.push(ev.at.toISOString()); kind.push(ev.kind); actor.push(ev.actor ?? null); subject.push(ev.subject ?? null);
    payload.push(json); prev.push(p); hash.push(h);
    p = h;
  }
  return [at, kind, actor, subject, payload, prev, hash];
}

async function chainHead(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ hash: string }>('SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1');
  return rows[0]?.hash ?? GENESIS_HASH;
}

/** Appends inside the caller's transaction (ingests, exceptions); takes the chain lock until it commits. */
export async function appendAuditEvents(client: pg.ClientBase, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await client.query(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  await client.query(AUDIT_INSERT(1), chainColumns(await chainHead(client), entries));
}

interface Pending<T> { entry: AuditEntry; side?: T; resolve: () => void; reject: (e: unknown) => void }

export class AuditLog<T = never> {
  private queue: Pending<T>[] = [];
  private flushing = false;
  /** Largest batch and number of batches (the benchmark reports them). */
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
        await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
        const columns = chainColumns(await chainHead(client), batch.map((p) => p.entry));
        const sides = batch.filter((p) => p.side !== undefined).map((p) => p.side as T);
        if (this.sideWrite && sides.length) {
          const side = this.sideWrite.insert(sides, 1);
          await client.query(`WITH side AS (${side.sql}) ${AUDIT_INSERT(side.params.length + 1)}`, [...side.params, ...columns]);
        } else {
          await client.query(AUDIT_INSERT(1), columns);
        }
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
