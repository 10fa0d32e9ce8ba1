// Starts the embedded PostgreSQL on the data directory given and holds it until killed: a stand-in
// for `attestant serve` that a test can SIGKILL, leaving the server behind.
import { startEmbeddedPostgres } from '../../src/platform/embedded-postgres.ts';

const db = await startEmbeddedPostgres(process.argv[2]!);
process.stdout.write(`ready ${db.port}\n`);
setInterval(() => {}, 60_000);
