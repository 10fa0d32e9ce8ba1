// The durable floor of the decisions bench: bare Fastify doing nothing but the service's own
// group-committed audit append (AuditLog: one attestant_audit_append per batch) of an
// event the size and shape of the service's decision event, and answering with the service's
// decision bytes. No auth, logging, metrics or policy: what it reaches is what logging every
// decision durably before answering allows on this machine.
//
//   DATABASE_URL=… FLOOR_ANSWER=<base64 bytes> FLOOR_EVENT=<payload JSON> FLOOR_ACTOR=… PORT=… node --import tsx bench/durable-floor-server.ts
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { AuditLog } from '../src/audit/audit-log.ts';
import { JsonText } from '../src/audit/chain.ts';

/** The actor of the floor's events, given by the bench, which counts the service's decisions apart by it. */
const actor = process.env.FLOOR_ACTOR;
if (!actor) throw new Error('FLOOR_ACTOR must name the actor of the floor\'s events');

const answer = Buffer.from(process.env.FLOOR_ANSWER ?? '', 'base64');
// The payload of one of the service's own decision events (the bench reads it back from the audit
// log). Written as kind 'decision', it costs what a decision costs: the same bytes of WAL and heap
// and the same index entry. Each event gets a new decision id, as the service's do. (A smaller
// placeholder event made the floor look up to a third faster than what decisions can reach.)
const event = /^(.*"decisionId":")[0-9a-f-]{36}(".*)$/s.exec(process.env.FLOOR_EVENT ?? '');
if (!event) throw new Error('FLOOR_EVENT must be the payload JSON of a decision event');
const [, head, tail] = event as unknown as [string, string, string];
// idleTimeoutMillis 0: connections stay open between the bench's rounds, as the service's do.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4, idleTimeoutMillis: 0 });
const audit = new AuditLog(pool);
const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post<{ Body: { artifact: string; environment: string } }>('/v1/decisions', async (req, reply) => {
  await audit.append({ kind: 'decision', actor, subject: req.body.artifact, payload: new JsonText(head + randomUUID() + tail) });
  return reply.type('application/json; charset=utf-8').send(answer);
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
