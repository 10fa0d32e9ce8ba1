// `attestant exception list | grant | revoke`: time-boxed waivers from the command line, as an
// incident needs them (see what is waived where, grant one until the fix ships, withdraw it).
import { parseArgs, str, UsageError } from './args.ts';
import { reportProblem, type ApiClient } from './client.ts';
import { table } from './table.ts';
import type { Io } from './main.ts';

const USAGE = `usage: attestant exception list [--env ENV] [--all] [--json]
       attestant exception grant --env ENV (--artifact sha256:... | --component PURL) --owner WHO --justification WHY (--expires-at ISO-8601 | --days N) [--json]
       attestant exception revoke ID [--json]`;

interface ExceptionRecord {
  id: string; environment: string; artifact?: string; component?: string; owner: string; justification: string;
  expiresAt: string; createdAt: string; revokedAt: string | null;
}

export async function runException(argv: string[], client: ApiClient, io: Io): Promise<number> {
  const args = parseArgs(argv, ['json', 'all']);
  const [sub, arg] = args.positionals;
  const json = args.flags.json === true;
  switch (sub) {
    case 'list': {
      const q = new URLSearchParams();
      const env = str(args, 'env');
      if (env) q.set('environment', env);
      if (args.flags.all) q.set('all', 'true');
      const res = await client.request('GET', `/v1/exceptions${q.size ? `?${q}` : ''}`);
      if (res.status !== 200) return reportProblem(io, res);
      const rows = (res.body as { exceptions: ExceptionRecord[] }).exceptions;
      if (json) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      else io.stdout(`${table([['ID', 'ENV', 'SCOPE', 'OWNER', 'EXPIRES', 'REVOKED', 'JUSTIFICATION'], ...rows.map((e) => [e.id, e.environment, e.artifact ?? e.component ?? '', e.owner, e.expiresAt, e.revokedAt ?? '-', e.justification])])}\n`);
      return 0;
    }
    case 'grant': {
      const environment = str(args, 'env');
      const owner = str(args, 'owner');
      const justification = str(args, 'justification');
      const artifact = str(args, 'artifact');
      const component = str(args, 'component');
      const days = str(args, 'days');
      let expiresAt = str(args, 'expires-at');
      if (days !== undefined) {
        if (!/^\d+$/.test(days)) throw new UsageError(`--days must be a whole number of days\n${USAGE}`);
        expiresAt = new Date(Date.now() + Number(days) * 86_400_000).toISOString();
      }
      if (!environment || !owner || !justification || !expiresAt || (!artifact && !component)) throw new UsageError(USAGE);
      const body = { environment, owner, justification, expiresAt, ...(artifact ? { artifact } : {}), ...(component ? { component } : {}) };
      const res = await client.request('POST', '/v1/exceptions', { body });
      if (res.status !== 201) return reportProblem(io, res);
      const e = res.body as ExceptionRecord;
      if (json) io.stdout(`${JSON.stringify(e, null, 2)}\n`);
      else io.stdout(`granted exception ${e.id} in ${e.environment} for ${e.artifact ?? e.component}, until ${e.expiresAt}\n`);
      return 0;
    }
    case 'revoke': {
      if (!arg) throw new UsageError(USAGE);
      const res = await client.request('DELETE', `/v1/exceptions/${encodeURIComponent(arg)}`);
      if (res.status !== 200) return reportProblem(io, res);
      const e = res.body as ExceptionRecord;
      if (json) io.stdout(`${JSON.stringify(e, null, 2)}\n`);
      else io.stdout(`revoked exception ${e.id} in ${e.environment} for ${e.artifact ?? e.component} at ${e.revokedAt}\n`);
      return 0;
    }
    default:
      throw new UsageError(USAGE);
  }
}
