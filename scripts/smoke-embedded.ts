// Smoke test of the quick start: `npm start` on the embedded PostgreSQL (no DATABASE_URL),
// upload an SBOM through the CLI, stop gracefully, start again, and find the data still there;
// verify the audit log while it serves; kill it outright and start once more; kill its PostgreSQL
// and see the service bring it back.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../src/platform/embedded-postgres.ts';

const dataRoot = mkdtempSync(join(tmpdir(), 'attestant-smoke-'));
const port = await findFreePort();
const token = 'att_smoke-admin-token-for-ci-only';
const env = { ...process.env, DATABASE_URL: '', PORT: String(port), ATTESTANT_DATA_DIR: join(dataRoot, 'pgdata'), ATTESTANT_ADMIN_TOKEN: token, LOG_LEVEL: 'warn', ATTESTANT_SHUTDOWN_DRAIN_SECONDS: '1' };
const base = `http://127.0.0.1:${port}`;
const fixture = 'test/fixtures/sbom/attestant-npm.cdx.json';

function fail(msg: string): never {
  console.error(`smoke: FAILED: ${msg}`);
  process.exit(1);
}

// `npm start` runs exactly this; spawning it directly lets the test signal the server itself
// (npm would answer SIGTERM by dying of the signal) and check its own exit code.
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
if (pkg.scripts.start !== 'node bin/attestant.mjs serve') fail(`npm start is "${pkg.scripts.start}", not what this smoke test runs`);

function postgresRunning(): boolean {
  const r = spawnSync('pgrep', ['-f', join(dataRoot, 'pgdata')], { encoding: 'utf8' });
  return r.stdout.trim().length > 0;
}

async function start(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/attestant.mjs', 'serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) return child;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail('server did not become ready in 60 s');
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  child.kill('SIGTERM');
  // The drain (ATTESTANT_SHUTDOWN_DRAIN_SECONDS): not ready at once, still serving.
  let draining = false;
  for (let i = 0; i < 20 && !draining; i++) {
    const r = await fetch(`${base}/readyz`).catch(() => undefined);
    const live = await fetch(`${base}/healthz`).catch(() => undefined);
    draining = r?.status === 503 && ((await r.json()) as { code?: string }).code === 'SHUTTING_DOWN' && live?.status === 200;
    if (!draining) await new Promise((res) => setTimeout(res, 25));
  }
  if (!draining) fail('after SIGTERM the server did not drain (readyz 503 SHUTTING_DOWN while healthz answers)');
  const code = await exited;
  if (code !== 0) fail(`graceful shutdown exited with ${code}`);
  if (postgresRunning()) fail('the embedded PostgreSQL is still running after shutdown');
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/attestant.mjs', ...args], { env: { ...env, ATTESTANT_URL: base, ATTESTANT_TOKEN: token }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

try {
  let server = await start();
  const up = cli(['upload', fixture, '--artifact', `sha256:${'ab'.repeat(32)}`, '--service', 'smoke-service']);
  if (up.status !== 0 || !/stored SBOM/.test(up.stdout)) fail(`upload: ${up.stdout}${up.stderr}`);
  console.log(`smoke: ${up.stdout.trim()}`);
  await stop(server);

  server = await start();
  const again = cli(['upload', fixture]);
  if (again.status !== 0 || !/already stored/.test(again.stdout)) fail(`after restart the SBOM was not found: ${again.stdout}${again.stderr}`);
  const usage = cli(['usage', 'pkg:npm/fastify', '--json']);
  if (usage.status !== 0) fail(`usage: ${usage.stdout}${usage.stderr}`);
  const body = JSON.parse(usage.stdout) as { matches: Array<{ artifact: { digest: string }; services: string[] }> };
  if (!body.matches.some((m) => m.artifact.digest === `sha256:${'ab'.repeat(32)}` && m.services.includes('smoke-service'))) fail(`usage after restart: ${usage.stdout}`);
  console.log('smoke: data survived the restart; where-used finds it');
  // Verifying the log while the service runs shares its embedded server.
  const audit = cli(['audit', 'verify']);
  if (audit.status !== 0 || !/audit chain intact/.test(audit.stdout)) fail(`audit verify while serving: ${audit.stdout}${audit.stderr}`);
  console.log(`smoke: ${audit.stdout.trim()}`);

  // Killed outright, the service leaves its PostgreSQL running; the next start replaces it.
  const killed = new Promise((r) => server.on('exit', r));
  server.kill('SIGKILL');
  await killed;
  if (!postgresRunning()) fail('expected the killed server\'s PostgreSQL to outlive it');
  server = await start();
  const afterKill = cli(['upload', fixture]);
  if (afterKill.status !== 0 || !/already stored/.test(afterKill.stdout)) fail(`after a SIGKILL and a start the SBOM was not found: ${afterKill.stdout}${afterKill.stderr}`);
  console.log('smoke: a start after SIGKILL replaced the abandoned PostgreSQL; data still there');

  // The other way round: PostgreSQL killed under the running service, which starts it again.
  const pid = Number(readFileSync(join(dataRoot, 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  let back = false;
  for (const deadline = Date.now() + 30_000; !back && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 250));
    back = (await fetch(`${base}/readyz`).catch(() => undefined))?.ok === true;
  }
  if (!back) fail('the service was not ready again within 30 s of its PostgreSQL being killed');
  const metrics = await (await fetch(`${base}/metrics`)).text();
  if (!/^attestant_embedded_postgres_restarts_total 1$/m.test(metrics)) fail(`the restart is not counted in /metrics: ${metrics.split('\n').filter((l) => l.includes('restarts')).join(' | ')}`);
  const afterPgKill = cli(['upload', fixture]);
  if (afterPgKill.status !== 0 || !/already stored/.test(afterPgKill.stdout)) fail(`after PostgreSQL was killed the SBOM was not found: ${afterPgKill.stdout}${afterPgKill.stderr}`);
  console.log('smoke: PostgreSQL killed under the service came back by itself; data still there');
  await stop(server);
  console.log('smoke: OK');
} finally {
  rmSync(dataRoot, { recursive: true, force: true });
}
process.exit(0);
