import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase } from '../helpers/app.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { verifyAuditChain } from '../../src/cli/audit.command.ts';
import { randomUUID } from 'node:crypto';

const db = await freshDatabase();

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

function decisionEntry(i: number) {
  return { kind: 'decision', subject: `sha256:${'0'.repeat(63)}${i % 10}`, payload: { i, decisionId: randomUUID(), environment: 'prod', allowed: i % 2 === 0, outcome: i % 2 ? 'deny' : 'allow', mode: 'enforce', policy: { name: 'p', digest: 'sha256:y' }, reasons: [{ rule: 'sbom', outcome: 'pass', message: 'ok', evidence: { b: 1, a: [1, 'x'] } }] } };
}

test('group commit: 200 appends over 20 turns land in far fewer transactions, all durable, chain intact', async () => {
  const log = new AuditLog(db.pool);
  const done: Array<Promise<void>> = [];
  for (let i = 0; i < 200; i++) {
    done.push(log.append(decisionEntry(i)));
    if (i % 10 === 9) await turn();
  }
  await Promise.all(done);
  assert.ok(log.batches < 20 && log.batches >= 2, `batches ${log.batches}`);
  assert.ok(log.maxBatch > 10, `largest batch ${log.maxBatch}`);
  const { rows } = await db.pool.query('SELECT (SELECT count(*) FROM decision)::int AS d, (SELECT count(*) FROM audit_event)::int AS a');
  assert.deepEqual(rows[0], { d: 200, a: 200 });
  const r = await verifyAuditChain(db.pool, 37);
  assert.equal(r.ok, true);
  assert.equal(r.count, 200);
});

test('appends made in one turn of the event loop go to PostgreSQL as one batch, even with no batch in flight', async () => {
  const d = await freshDatabase();
  const log = new AuditLog(d.pool);
  await Promise.all(Array.from({ length: 40 }, (_, i) => log.append(decisionEntry(i))));
  assert.equal(log.batches, 1);
  assert.equal(log.maxBatch, 40);
  const r = await verifyAuditChain(d.pool, 7);
  assert.deepEqual(r.ok && r.count, 40);
});

test('enqueue calls back once per entry after the commit; a callback that throws leaves the rest of its batch answered', { timeout: 20_000 }, async () => {
  const d = await freshDatabase();
  const log = new AuditLog(d.pool);
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const calls: Array<{ i: number; err: unknown; stored: number }> = [];
    const committed = new Promise<void>((resolve) => {
      for (let i = 0; i < 3; i++) {
        log.enqueue(decisionEntry(i), (err) => {
          // Counted from inside the callback: it runs only once the row is visible to others.
          d.pool.query('SELECT count(*)::int AS n FROM audit_event').then(({ rows }) => {
            calls.push({ i, err, stored: rows[0].n });
            if (calls.length === 3) resolve();
          });
          if (i === 0) throw new Error('a broken callback');
        });
      }
    });
    await committed;
    await turn();
    assert.deepEqual(calls.map((c) => [c.i, c.err, c.stored]).sort(), [[0, undefined, 3], [1, undefined, 3], [2, undefined, 3]]);
    assert.equal(log.batches, 1);
    assert.deepEqual(warnings.map((w) => w.message), ['a broken callback']);
  } finally {
    process.off('warning', onWarning);
  }
});

test('the log is append-only: UPDATE and DELETE are refused by the database', async () => {
  await assert.rejects(db.pool.query("UPDATE audit_event SET kind = 'x' WHERE seq = 1"), /append-only/);
  await assert.rejects(db.pool.query("DELETE FROM audit_event WHERE kind = 'decision'"), /append-only/);
  await assert.rejects(db.pool.query('DELETE FROM decision'), /cannot delete from view/);
  const { rows } = await db.pool.query("SELECT count(*)::int AS n, count(*) FILTER (WHERE allowed)::int AS allowed FROM decision");
  assert.deepEqual(rows[0], { n: 200, allowed: 100 });
});

test('tampering with a row is found, at that row', async () => {
  const { rows } = await db.pool.query<{ seq: string }>('SELECT seq FROM audit_event ORDER BY seq OFFSET 57 LIMIT 1');
  const seq = rows[0]!.seq;
  // Simulate an attacker with superuser rights bypassing the trigger.
  await db.pool.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only');
  await db.pool.query(`UPDATE audit_event SET body = replace(body, '"allowed":', '"allowed" :') WHERE seq = $1`, [seq]);
  await db.pool.query('ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only');
  const r = await verifyAuditChain(db.pool, 25);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.brokenAt, seq);
    assert.equal(r.reason, 'hash_mismatch');
    assert.equal(r.count, 57);
  }
});

test('rewriting an indexed column (the subject) without the body is found too', async () => {
  const d = await freshDatabase();
  const log = new AuditLog(d.pool);
  for (let i = 0; i < 3; i++) await log.append({ kind: 'decision', subject: 'sha256:aa', payload: { i } });
  await d.pool.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only');
  await d.pool.query("UPDATE audit_event SET subject = 'sha256:bb' WHERE seq = 2");
  const r = await verifyAuditChain(d.pool);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.brokenAt, '2');
    assert.equal(r.reason, 'columns_mismatch');
  }
});

test('deleting a row breaks the link of the next one', async () => {
  const d = await freshDatabase();
  const log = new AuditLog(d.pool);
  for (let i = 0; i < 5; i++) await log.append({ kind: 'x', payload: { i } });
  await d.pool.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only');
  await d.pool.query('DELETE FROM audit_event WHERE seq = 3');
  const r = await verifyAuditChain(d.pool);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.brokenAt, '4');
    assert.equal(r.reason, 'prev_hash_mismatch');
  }
});

test('decision reasons are stored once per distinct text, read back by the decision view, and verified by digest', async () => {
  const d = await freshDatabase();
  const { toBlob } = await import('../../src/audit/audit-log.ts');
  const log = new AuditLog(d.pool);
  const reasonsA = [{ rule: 'sbom', outcome: 'pass', message: 'SBOM bound', evidence: { sbomId: 'x' } }];
  const reasonsB = [{ rule: 'sbom', outcome: 'fail', message: 'no SBOM' }];
  const decide = (i: number, reasons: unknown[]) => {
    const blob = toBlob(JSON.stringify(reasons));
    return log.append({ kind: 'decision', subject: 'sha256:aa', payload: { decisionId: randomUUID(), environment: 'prod', allowed: i % 2 === 0, outcome: 'allow', mode: 'enforce', policy: null, reasonsDigest: blob.digest }, blobs: [blob] });
  };
  await Promise.all(Array.from({ length: 40 }, (_, i) => decide(i, i % 4 === 3 ? reasonsB : reasonsA)));
  const { rows: stored } = await d.pool.query('SELECT count(*)::int AS n FROM decision_reasons');
  assert.equal(stored[0].n, 2);
  const { rows: view } = await d.pool.query("SELECT reasons FROM decision ORDER BY created_at, id");
  assert.equal(view.length, 40);
  const seen = view.map((r: { reasons: unknown }) => { try { assert.deepEqual(r.reasons, reasonsA); return 'A'; } catch { assert.deepEqual(r.reasons, reasonsB); return 'B'; } });
  assert.deepEqual([seen.filter((x: string) => x === 'A').length, seen.filter((x: string) => x === 'B').length], [30, 10]);
  assert.equal((await verifyAuditChain(d.pool)).ok, true);
  await assert.rejects(d.pool.query("UPDATE decision_reasons SET body = '[]'"), /append-only/);

  // Tampering with a reasons text is found at the first decision that references it.
  const digestB = toBlob(JSON.stringify(reasonsB)).digest;
  const { rows: first } = await d.pool.query<{ seq: string }>("SELECT min(seq)::text AS seq FROM audit_event WHERE body LIKE '%' || $1 || '%'", [digestB]);
  await d.pool.query('ALTER TABLE decision_reasons DISABLE TRIGGER decision_reasons_append_only');
  await d.pool.query(`UPDATE decision_reasons SET body = replace(body, 'no SBOM', 'SBOM ok') WHERE digest = $1`, [digestB]);
  const r = await verifyAuditChain(d.pool, 7);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.reason, 'reasons_mismatch');
    assert.equal(r.brokenAt, first[0]!.seq);
  }
  await d.pool.query('DELETE FROM decision_reasons WHERE digest = $1', [digestB]);
  const gone = await verifyAuditChain(d.pool);
  assert.equal(gone.ok, false);
  if (!gone.ok) assert.equal(gone.reason, 'reasons_missing');
});

test('batches one after the other make one linear chain; an entry that cannot be stored fails alone', async () => {
  const d = await freshDatabase();
  const log = new AuditLog(d.pool);
  const ok: Array<Promise<void>> = [];
  for (let i = 0; i < 100; i++) ok.push(log.append({ kind: 'x', payload: { i } }));
  await turn(); // the first 100 are on their way; what follows is appended while they commit
  for (let i = 100; i < 300; i++) ok.push(log.append({ kind: 'x', payload: { i } }));
  // PostgreSQL text cannot hold U+0000: this one is refused, and the entries batched with it are not.
  const bad = log.append({ kind: 'x', payload: { bad: 'a\u0000b' } }).then(() => 'stored', (e: { code?: string }) => e.code);
  const more = Array.from({ length: 100 }, (_, i) => log.append({ kind: 'y', payload: { i } }));
  await Promise.all([...ok, ...more]);
  assert.equal(await bad, 'AUDIT_ENTRY_INVALID');
  const { rows } = await d.pool.query('SELECT count(*)::int AS n FROM audit_event');
  assert.equal(rows[0].n, 400);
  const r = await verifyAuditChain(d.pool, 33);
  assert.deepEqual(r.ok && r.count, 400);
  // The first turn's 100 went alone; everything appended while they committed went in the next batch.
  assert.equal(log.batches, 2);
  assert.equal(log.maxBatch, 300);
});

test('a flood of appends is written in batches of at most AUDIT_MAX_BATCH, each event once, as one chain', async () => {
  const { AUDIT_MAX_BATCH } = await import('../../src/audit/audit-log.ts');
  const d = await freshDatabase();
  const log = new AuditLog(d.pool);
  const n = AUDIT_MAX_BATCH * 2 + 500;
  await Promise.all(Array.from({ length: n }, (_, i) => log.append({ kind: 'flood', payload: { i } })));
  assert.equal(log.maxBatch, AUDIT_MAX_BATCH, 'the queue behind the first appends is cut at the cap');
  assert.ok(log.batches >= 3, `batches ${log.batches}`);
  // Every one stored once, as one chain.
  const { rows } = await d.pool.query<{ i: number }>(`SELECT (body::jsonb->'payload'->>'i')::int AS i FROM audit_event WHERE kind = 'flood'`);
  assert.deepEqual(rows.map((r) => r.i).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  const r = await verifyAuditChain(d.pool, 997);
  assert.deepEqual(r.ok && r.count, n);
});

test('verifying from a checkpoint walks only the events after it, and still finds tampering after it or with the anchor itself', async () => {
  const { parseCheckpoint } = await import('../../src/cli/audit.command.ts');
  const d = await freshDatabase();
  const log = new AuditLog(d.pool);
  for (let i = 0; i < 10; i++) await log.append({ kind: 'x', payload: { i } });
  const empty = await verifyAuditChain(await freshDatabase().then((e) => e.pool));
  assert.deepEqual(empty.ok && [empty.count, empty.headSeq], [0, '0']);
  const first = await verifyAuditChain(d.pool, 4);
  assert.ok(first.ok);
  assert.equal(first.count, 10);
  const { rows: last } = await d.pool.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1');
  assert.deepEqual([first.headSeq, first.head], [last[0]!.seq, last[0]!.hash], 'the checkpoint is the last event verified');
  // The genesis checkpoint (what a run over an empty log prints) is the whole log.
  assert.deepEqual(await verifyAuditChain(d.pool, 4, { seq: '0', hash: '0'.repeat(64) }), first);

  for (let i = 10; i < 15; i++) await log.append({ kind: 'x', payload: { i } });
  const checkpoint = parseCheckpoint(`${first.headSeq}:${first.head}`);
  const next = await verifyAuditChain(d.pool, 2, checkpoint);
  assert.ok(next.ok);
  assert.equal(next.count, 5, 'only the events appended since');
  assert.deepEqual(await verifyAuditChain(d.pool, 4, { seq: next.headSeq, hash: next.head }), { ok: true, count: 0, head: next.head, headSeq: next.headSeq });

  await d.pool.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only');
  const { rows: after } = await d.pool.query<{ seq: string }>('SELECT seq FROM audit_event WHERE seq > $1 ORDER BY seq OFFSET 2 LIMIT 1', [checkpoint.seq]);
  await d.pool.query(`UPDATE audit_event SET body = replace(body, '"i":', '"i" :') WHERE seq = $1`, [after[0]!.seq]);
  const tampered = await verifyAuditChain(d.pool, 2, checkpoint);
  assert.deepEqual(!tampered.ok && [tampered.brokenAt, tampered.reason, tampered.count], [after[0]!.seq, 'hash_mismatch', 2]);

  await d.pool.query(`UPDATE audit_event SET hash = $2 WHERE seq = $1`, [checkpoint.seq, 'f'.repeat(64)]);
  const anchor = await verifyAuditChain(d.pool, 2, checkpoint);
  assert.deepEqual(!anchor.ok && [anchor.brokenAt, anchor.reason, anchor.found], [checkpoint.seq, 'checkpoint_mismatch', 'f'.repeat(64)]);
  const gone = await verifyAuditChain(d.pool, 2, { seq: '999999', hash: checkpoint.hash });
  assert.deepEqual(!gone.ok && gone.reason, 'checkpoint_missing');

  assert.throws(() => parseCheckpoint('12'), /--from takes SEQ:HASH/);
  assert.throws(() => parseCheckpoint(`x:${'a'.repeat(64)}`), /--from takes SEQ:HASH/);
});

test('the writer sends the indexed columns beside the bodies; values it cannot join are parsed from the bodies instead', async () => {
  const d = await freshDatabase();
  const log = new AuditLog(d.pool);
  const at = new Date('2026-12-04T10:11:12.345Z');
  // One batch: joinable values, with a lone NULL actor and NULL subjects among them.
  await Promise.all([
    log.append({ kind: 'decision', actor: 'ci', subject: 'sha256:aa', payload: { i: 1 }, at }),
    log.append({ kind: 'token.minted', payload: { i: 2 }, at }),
    log.append({ kind: 'decision', actor: 'cd', payload: { i: 3 }, at }),
  ]);
  // A batch of one event with no actor (an empty joined list is one NULL, not none).
  await log.append({ kind: 'exception.created', subject: 'pkg:npm/x', payload: { i: 4 }, at });
  // Values the joined lists cannot carry: a newline, an empty string. This batch goes without columns.
  await Promise.all([
    log.append({ kind: 'decision', actor: 'two\nlines', subject: 'sha256:bb', payload: { i: 5 }, at }),
    log.append({ kind: 'decision', actor: '', subject: 'sha256:cc', payload: { i: 6 }, at }),
  ]);
  assert.equal(log.batches, 3);
  const { rows } = await d.pool.query<{ at: Date; kind: string; actor: string | null; subject: string | null; body: string }>(
    'SELECT at, kind, actor, subject, body FROM audit_event ORDER BY seq');
  assert.deepEqual(rows.map((r) => [r.at.toISOString(), r.kind, r.actor, r.subject]), [
    [at.toISOString(), 'decision', 'ci', 'sha256:aa'],
    [at.toISOString(), 'token.minted', null, null],
    [at.toISOString(), 'decision', 'cd', null],
    [at.toISOString(), 'exception.created', null, 'pkg:npm/x'],
    [at.toISOString(), 'decision', 'two\nlines', 'sha256:bb'],
    [at.toISOString(), 'decision', '', 'sha256:cc'],
  ]);
  const r = await verifyAuditChain(d.pool);
  assert.deepEqual(r.ok && r.count, 6);
});

test('columns that do not match the bodies in number are refused, and nothing is written', async () => {
  const d = await freshDatabase();
  const body = (i: number) => JSON.stringify({ at: '2026-12-04T10:11:12.345Z', kind: 'k', actor: null, subject: null, payload: { i } });
  await assert.rejects(
    d.pool.query('SELECT attestant_audit_append($1::text, NULL, NULL, NULL, $2::text, $3::text, $4::text, $5::text)',
      [`${body(1)}\n${body(2)}`, '2026-12-04T10:11:12.345Z', 'k\nk', '\n', '\n']),
    (e: { code?: string }) => e.code === '22023',
  );
  const { rows } = await d.pool.query('SELECT count(*)::int AS n FROM audit_event');
  assert.equal(rows[0].n, 0);
});
