// The embedded server dies under a running service (the OOM killer picks the largest process, an
// operator kills the wrong pid): it is started again on the same port, with its data, so the
// service's pools reconnect as they do when an external PostgreSQL comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runningPostmaster, startEmbeddedPostgres } from '../../src/platform/embedded-postgres.ts';

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Retries `fn` until it resolves, for at most `ms`; the last failure is the error. */
async function eventually<T>(fn: () => Promise<T>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

test('killed, the embedded server is started again on the same port with its data; stop() then stops it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attestant-supervised-'));
  const warnings: string[] = [];
  let restarts = 0;
  const db = await startEmbeddedPostgres(join(dir, 'pgdata'), { warn: (m) => warnings.push(m), onRestarted: () => { restarts++; } });
  try {
    await query(db.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES (\'before the kill\')');
    const first = runningPostmaster(join(dir, 'pgdata'));
    assert.ok(first);
    process.kill(first.pid, 'SIGKILL');

    const { rows } = await eventually(() => query(db.url, 'SELECT v FROM kept'), 30_000);
    assert.deepEqual(rows, [{ v: 'before the kill' }], 'crash recovery kept the committed row');
    const second = runningPostmaster(join(dir, 'pgdata'));
    assert.ok(second && second.pid !== first.pid, 'a new server runs');
    assert.equal(second.port, first.port, 'on the port the pools know');
    // The write settings the audit log's latency depends on (embedded-postgres.ts) survive the restart.
    const { rows: settings } = await query(db.url, "SELECT current_setting('backend_flush_after') AS flush, current_setting('shared_buffers') AS buffers");
    assert.deepEqual(settings, [{ flush: '256kB', buffers: '32MB' }]);
    assert.ok(warnings.some((m) => m.includes(`(pid ${first.pid}) exited (SIGKILL) while in use`)), warnings.join('\n'));
    assert.ok(warnings.some((m) => m.includes('is running again')), warnings.join('\n'));
    assert.equal(restarts, 1);

    await db.stop();
    assert.equal(runningPostmaster(join(dir, 'pgdata')), undefined, 'stop() is not undone by a restart');
  } finally {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unsupervised, a killed server stays down, and stop() still returns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attestant-unsupervised-'));
  const db = await startEmbeddedPostgres(join(dir, 'pgdata'), { supervise: false });
  try {
    const first = runningPostmaster(join(dir, 'pgdata'));
    assert.ok(first);
    process.kill(first.pid, 'SIGKILL');
    for (let i = 0; i < 100 && runningPostmaster(join(dir, 'pgdata')); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(runningPostmaster(join(dir, 'pgdata')), undefined);
    // embedded-postgres's own stop() waits for an exit that has already happened, forever.
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([db.stop().then(() => 'stopped'), new Promise((r) => { timer = setTimeout(() => r('hung'), 10_000); })]);
    clearTimeout(timer);
    assert.equal(outcome, 'stopped');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
