import Fastify from 'fastify';
import { spawn } from 'node:child_process';
const big = JSON.stringify({ allowed: true, reasons: Array.from({ length: 5 }, (_, i) => ({ rule: 'r' + i, outcome: 'pass', message: 'x'.repeat(300) })) });
for (const [label, payload, mode] of [['bare small', '{"allowed":true,"reasons":[]}', 'obj'], ['bare 2KB string', big, 'str']] as const) {
  const app = Fastify({ logger: false });
  app.post('/v1/decisions', async (_req, reply) => mode === 'obj' ? { allowed: true, reasons: [] } : reply.type('application/json').send(payload));
  const addr = await app.listen({ port: 0, host: '127.0.0.1' });
  const c0 = process.cpuUsage();
  const r = await new Promise<string>((res) => { const ch = spawn('wrk', ['-t1', '-c64', '-d4s', '-s', '/tmp/scratch/post.lua', `${addr}/v1/decisions`]); let o = ''; ch.stdout.on('data', (d: Buffer) => o += d); ch.on('exit', () => res(o)); });
  const c = process.cpuUsage(c0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r)![1]);
  console.log(label, rps, 'req/s', ((c.user + c.system) / (rps * 4)).toFixed(1), 'µs/req');
  await app.close();
}
