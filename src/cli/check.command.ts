// `attestant check sha256:… --env prod [--service S] [--record]`: exit 0 allow, 1 deny, 2 unavailable
// (or any other failure to get an answer), so CD scripts can gate on it.
import { parseArgs, str, UsageError } from './args.ts';
import { describeProblem, type ApiClient } from './client.ts';
import type { Io } from './main.ts';
import type { DecisionResponse } from '../decide/decision.service.ts';

const MARK: Record<string, string> = { pass: 'PASS', fail: 'FAIL', exception: 'EXCEPTION', warn: 'WARN' };

export async function runCheck(argv: string[], client: ApiClient, io: Io): Promise<number> {
  const args = parseArgs(argv, ['record', 'json']);
  const artifact = args.positionals[0];
  const env = str(args, 'env') ?? str(args, 'environment');
  if (!artifact || !env) throw new UsageError('usage: attestant check sha256:... --env ENV [--service S] [--record] [--json]');
  const body: Record<string, unknown> = { artifact, environment: env };
  const service = str(args, 'service');
  if (service) body.service = service;
  if (args.flags.record) body.record = true;
  const res = await client.request('POST', '/v1/decisions', { body });
  if (res.status !== 200) {
    io.stderr(`no decision: ${describeProblem(res)}\n`);
    return 2;
  }
  const d = res.body as DecisionResponse;
  if (args.flags.json) io.stdout(`${JSON.stringify(d, null, 2)}\n`);
  else {
    io.stdout(`${d.allowed ? 'ALLOWED' : 'DENIED'}  ${d.artifact} in ${d.environment} (${d.outcome}, mode ${d.mode}${d.policy ? `, policy ${d.policy.name} ${d.policy.digest.slice(0, 19)}…` : ''})\n`);
    for (const r of d.reasons) io.stdout(`  ${(MARK[r.outcome] ?? r.outcome).padEnd(9)} ${r.rule}: ${r.message}\n`);
    if (d.deployment) io.stdout(`  recorded deployment ${d.deployment.id} since ${d.deployment.since}\n`);
    io.stdout(`  decision ${d.decisionId}\n`);
  }
  return d.allowed ? 0 : 1;
}
