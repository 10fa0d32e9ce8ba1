// `attestant audit verify`: walks the hash chain in seq order with a server-side cursor, so
// memory stays flat however long the log is.
import pg from 'pg';
import { loadConfig } from '../config/index.ts';
import { openDatabase } from '../platform/database.ts';
import { ChainVerifier } from '../audit/chain.ts';
import { UsageError } from './args.ts';
import type { Io } from './main.ts';

export async function verifyAuditChain(pool: pg.Pool, batch = 5000): Promise<ReturnType<ChainVerifier['result']>> {
  const v = new ChainVerifier();
  let after = '0';
  for (;;) {
    const { rows } = await pool.query<{ seq: string; at: Date; kind: string; actor: string | null; subject: string | null; body: string; prev_hash: string; hash: string }>(
      'SELECT seq, at, kind, actor, subject, body, prev_hash, hash FROM audit_event WHERE seq > $1 ORDER BY seq LIMIT $2',
      [after, batch],
    );
    for (const r of rows) {
      if (!v.push({ seq: r.seq, at: r.at, kind: r.kind, actor: r.actor, subject: r.subject, body: r.body, prevHash: r.prev_hash, hash: r.hash })) return v.result();
    }
    if (rows.length < batch) return v.result();
    after = rows[rows.length - 1]!.seq;
  }
}

export async function runAudit(argv: string[], io: Io): Promise<number> {
  if (argv[0] !== 'verify') throw new UsageError('usage: attestant audit verify');
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    const r = await verifyAuditChain(db.pool);
    if (r.ok) {
      io.stdout(`audit chain intact: ${r.count} events, head ${r.head}\n`);
      return 0;
    }
    io.stdout(`audit chain BROKEN at seq ${r.brokenAt} (${r.reason}): expected ${r.expected}, found ${r.found}; ${r.count} events before it verified\n`);
    return 1;
  } finally {
    await db.close();
  }
}
