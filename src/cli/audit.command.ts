// `attestant audit verify`: walks the hash chain in seq order with a server-side cursor, so
// memory stays flat however long the log is.
import pg from 'pg';
import { loadConfig } from '../config/index.ts';
import { openDatabase } from '../platform/database.ts';
import { ChainVerifier, checkReasons, reasonsDigestOf, type ChainCheck } from '../audit/chain.ts';
import { UsageError } from './args.ts';
import type { Io } from './main.ts';

/**
 * Walks the chain in seq order, and checks that the reasons every decision references by digest
 * (decision_reasons) are there and hash to it. Reports the first broken link of either kind.
 */
export async function verifyAuditChain(pool: pg.Pool, batch = 5000): Promise<ChainCheck> {
  const v = new ChainVerifier();
  const reasonsOk = new Set<string>();
  let after = '0';
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

export async function runAudit(argv: string[], io: Io): Promise<number> {
  if (argv[0] !== 'verify') throw new UsageError('usage: attestant audit verify');
  const config = loadConfig();
  // The log is usually verified while the service runs: share its embedded server if it has one.
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, shareRunningEmbedded: true });
  try {
    const r = await verifyAuditChain(db.pool);
    if (r.ok) {
      io.stdout(`audit chain intact: ${r.count} event${r.count === 1 ? '' : 's'}, head ${r.head}\n`);
      return 0;
    }
    io.stdout(`audit chain BROKEN at seq ${r.brokenAt} (${r.reason}): expected ${r.expected}, found ${r.found}; ${r.count} events before it verified\n`);
    return 1;
  } finally {
    await db.close();
  }
}
