// `attestant audit verify`: walks the hash chain in seq order with a server-side cursor, so
// memory stays flat however long the log is.
import pg from 'pg';
import { loadConfig } from '../config/index.ts';
import { openDatabase } from '../platform/database.ts';
import { ChainVerifier, checkReasons, GENESIS_HASH, reasonsDigestOf, type ChainCheck } from '../audit/chain.ts';
import { parseArgs, str, UsageError } from './args.ts';
import { count } from './table.ts';
import type { Io } from './main.ts';

/**
 * Walks the chain in seq order, and checks that the reasons every decision references by digest
 * (decision_reasons) are there and hash to it. Reports the first broken link of either kind.
 */
/** A verified event to start after: its seq and hash, as a previous run printed them (`SEQ:HASH`). */
export interface Checkpoint { seq: string; hash: string }

export function parseCheckpoint(s: string): Checkpoint {
  const m = /^(\d{1,19}):([0-9a-f]{64})$/.exec(s);
  if (!m) throw new UsageError(`--from takes SEQ:HASH as a previous run printed it (e.g. 1234:${'0'.repeat(8)}…), got ${JSON.stringify(s)}`);
  return { seq: m[1]!, hash: m[2]! };
}

export async function verifyAuditChain(pool: pg.Pool, batch = 5000, from?: Checkpoint): Promise<ChainCheck> {
  if (from && !(from.seq === '0' && from.hash === GENESIS_HASH)) {
    // The anchor itself must still be there, unchanged: the events after it chain from its hash.
    const { rows } = await pool.query<{ hash: string }>('SELECT hash FROM audit_event WHERE seq = $1', [from.seq]);
    if (rows.length === 0) return { ok: false, count: 0, brokenAt: from.seq, reason: 'checkpoint_missing', expected: from.hash, found: '(no event with this seq)' };
    if (rows[0]!.hash !== from.hash) return { ok: false, count: 0, brokenAt: from.seq, reason: 'checkpoint_mismatch', expected: from.hash, found: rows[0]!.hash };
  }
  const v = new ChainVerifier(from?.hash, from?.seq);
  const reasonsOk = new Set<string>();
  let after = from?.seq ?? '0';
  for (;;) {
    const { rows } = await pool.query<{ seq: string; at: Date; kind: string; actor: string | null; subject: string | null; body: string; prev_hash: string; hash: string }>(
      'SELECT seq, at, kind, actor, subject, body, prev_hash, hash FROM audit_event WHERE seq > $1 ORDER BY seq LIMIT $2',
      [after, batch],
    );
    const refs: Array<{ seq: string; digest: string; before: number }> = [];
    let chainBroken = false;
    for (const r of rows) {
      const before = v.count;
      if (!v.push({ seq: r.seq, at: r.at, kind: r.kind, actor: r.actor, subject: r.subject, body: r.body, prevHash: r.prev_hash, hash: r.hash })) {
        chainBroken = true;
        break;
      }
      const digest = r.kind === 'decision' ? reasonsDigestOf(r.body) : undefined;
      if (digest && !reasonsOk.has(digest)) refs.push({ seq: r.seq, digest, before });
    }
    if (refs.length) {
      const { rows: stored } = await pool.query<{ digest: string; body: string }>('SELECT digest, body FROM decision_reasons WHERE digest = ANY($1::text[])', [[...new Set(refs.map((x) => x.digest))]]);
      const byDigest = new Map(stored.map((x) => [x.digest, x.body]));
      for (const ref of refs) {
        const body = byDigest.get(ref.digest);
        const problem = checkReasons(ref.digest, body);
        if (problem) return { ok: false, count: ref.before, brokenAt: ref.seq, reason: problem, expected: ref.digest, found: body === undefined ? '(no reasons row)' : body.slice(0, 80) };
        reasonsOk.add(ref.digest);
      }
    }
    if (chainBroken || rows.length < batch) return v.result();
    after = rows[rows.length - 1]!.seq;
  }
}

const USAGE = 'usage: attestant audit verify [--from SEQ:HASH]';

export async function runAudit(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv);
  if (args.positionals[0] !== 'verify' || args.positionals.length > 1) throw new UsageError(USAGE);
  const fromArg = str(args, 'from');
  const from = fromArg === undefined ? undefined : parseCheckpoint(fromArg);
  const config = loadConfig();
  // The log is usually verified while the service runs: share its embedded server if it has one.
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, shareRunningEmbedded: true });
  try {
    const r = await verifyAuditChain(db.pool, undefined, from);
    if (r.ok) {
      const scope = from ? ` after seq ${from.seq}` : '';
      io.stdout(`audit chain intact${scope}: ${count(r.count, 'event')}, head ${r.head}\n`);
      // Kept by whoever runs this regularly: the next run starts there instead of at the beginning.
      io.stdout(`checkpoint ${r.headSeq}:${r.head}\n`);
      return 0;
    }
    io.stdout(`audit chain BROKEN at seq ${r.brokenAt} (${r.reason}): expected ${r.expected}, found ${r.found}; ${r.count} events before it verified\n`);
    return 1;
  } finally {
    await db.close();
  }
}
