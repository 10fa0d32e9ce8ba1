import { parseArgs, str, UsageError } from './args.ts';
import { describeProblem, type ApiClient } from './client.ts';
import type { Io } from './main.ts';
import type { UsageResult } from '../search/usage.service.ts';
import { count, table } from './table.ts';

export async function runUsage(argv: string[], client: ApiClient, io: Io): Promise<number> {
  const args = parseArgs(argv, ['json', 'csv', 'name', 'all']);
  const target = args.positionals[0];
  if (!target) throw new UsageError('usage: attestant usage PURL [--range vers:...] [--env ENV] [--vulnerability ID] [--name] [--json|--csv] [--limit N] [--all]');
  const q = new URLSearchParams();
  if (args.flags.name || !target.startsWith('pkg:')) q.set('name', target);
  else q.set('purl', target);
  const range = str(args, 'range');
  if (range) q.set('range', range);
  const env = str(args, 'env');
  if (env) q.set('environment', env);
  const vulnerability = str(args, 'vulnerability');
  if (vulnerability) q.set('vulnerability', vulnerability);
  q.set('limit', str(args, 'limit') ?? (args.flags.all ? '1000' : '100'));
  const accept = args.flags.csv ? 'text/csv' : 'application/json';
  const results: UsageResult[] = [];
  let csv = '';
  for (;;) {
    const res = await client.request('GET', `/v1/components/usage?${q}`, { accept });
    if (res.status >= 400) { io.stderr(`${describeProblem(res)}\n`); return 2; }
    if (args.flags.csv) {
      csv += csv ? res.text.split('\n').slice(1).join('\n') : res.text;
      const next = res.headers.get('x-next-cursor');
      if (!args.flags.all || !next) break;
      q.set('cursor', next);
      continue;
    }
    const body = res.body as UsageResult;
    results.push(body);
    if (!args.flags.all || !body.nextCursor) break;
    q.set('cursor', body.nextCursor);
  }
  if (args.flags.csv) { io.stdout(csv); return 0; }
  if (args.flags.json) {
    const merged = { ...results[results.length - 1]!, matches: results.flatMap((r) => r.matches) };
    io.stdout(`${JSON.stringify(merged, null, 2)}\n`);
    return 0;
  }
  const rows = [['COMPONENT', 'ARTIFACT', 'SERVICES', 'ENVIRONMENTS', 'DIRECT / PATH', ...(vulnerability ? [`VEX ${vulnerability}`] : [])]];
  for (const r of results) for (const m of r.matches) {
    const vex = m.vex ? `${m.vex.status}${m.vex.justification ? ` (${m.vex.justification})` : ''}` : '-';
    rows.push([
      m.component + (m.unorderable ? ' (unorderable)' : ''),
      m.artifact ? `${m.artifact.digest.slice(0, 19)}…${m.artifact.name ? ` ${m.artifact.name}` : ''}` : '(no artifact)',
      m.services.join(', ') || '-',
      m.deployments.map((d) => `${d.environment}(${d.service})`).join(', ') || '-',
      m.direct ? 'direct' : m.path ? m.path.join(' > ') : 'transitive',
      ...(vulnerability ? [vex] : []),
    ]);
  }
  const t = results[results.length - 1]!.totals;
  const more = results[results.length - 1]!.nextCursor !== undefined;
  io.stdout(`${table(rows)}\n\n${count(t.matches, 'match', 'matches')}: ${count(t.components, 'component')} in ${count(t.artifacts, 'artifact')}, ${count(t.services, 'service')}${env ? ` deployed in ${env} now` : ''}${more ? ' (more: --all)' : ''}\n`);
  if (vulnerability) io.stdout(`${vexSummary(vulnerability, results.flatMap((r) => r.matches), more)}\n`);
  return 0;
}

/** What is left to handle: the matches by VEX status, those without a statement first. */
export function vexSummary(vulnerability: string, matches: UsageResult['matches'], more: boolean): string {
  const by = new Map<string, number>();
  for (const m of matches) {
    const status = m.vex?.status ?? 'no VEX statement';
    by.set(status, (by.get(status) ?? 0) + 1);
  }
  const order = ['no VEX statement', 'affected', 'under_investigation', 'fixed', 'not_affected'];
  const parts = order.filter((k) => by.has(k)).map((k) => `${by.get(k)} ${k}`);
  return `VEX ${vulnerability}${more ? ` (the ${count(matches.length, 'match', 'matches')} shown)` : ''}: ${parts.join(', ') || 'no matches'}`;
}
