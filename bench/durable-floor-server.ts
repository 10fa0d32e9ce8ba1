// The durable floor of the decisions bench: bare Fastify doing nothing but the service's own
// group-committed audit append (AuditLog, two lanes, one attestant_audit_append per batch), and
// answering with the service's decision bytes. No auth, logging, metrics or policy: what it
// reaches is what logging every decision durably before answering allows on this machine.
//
//   DATABASE_URL=… FLOOR_ANSWER=<base64 bytes> PORT=… node --import tsx bench/durable-floor-server.ts
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { AuditLog } from '../src/audit/audit-log.ts';

const answer = Buffer.from(process.env.FLOOR_ANSWER ?? '', 'base64');
// idleTimeoutMillis 0: connections stay open between the bench's rounds, as the service's do.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4, idleTimeoutMillis: 0 });
const audit = new AuditLog(pool);
const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post<{ Body: { artifact: string; environment: string } }>('/v1/decisions', async (req, reply) => {
  await audit.append({ kind: 'bench.floor', subject: req.body.artifact, payload: { decisionId: randomUUID(), environment: req.body.environment } });
  return reply.type('application/json; charset=utf-8').send(answer);
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
