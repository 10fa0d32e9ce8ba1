// `attestant token list | create NAME --scopes S[,S…] | revoke ID`: what an incident needs when a
// CI secret leaks (find the token, revoke it, mint its replacement) without writing curl by hand.
import { parseArgs, str, UsageError } from './args.ts';
import { reportProblem, type ApiClient } from './client.ts';
import { table } from './table.ts';
import type { Io } from './main.ts';

const USAGE = 'usage: attestant token list [--json] | token create NAME --scopes read,ingest,decide,admin [--expires-at ISO-8601] [--json] | token revoke ID [--json]';

interface TokenRecord { id: string; name: string; scopes: string[]; createdAt: string; revokedAt: string | null; expiresAt: string | null }

export async function runToken(argv: string[], client: ApiClient, io: Io): Promise<number> {
  const args = parseArgs(argv, ['json']);
  const [sub, arg] = args.positionals;
  const json = args.flags.json === true;
  switch (sub) {
    case 'list': {
      const res = await client.request('GET', '/v1/tokens');
      if (res.status !== 200) return reportProblem(io, res);
      const tokens = (res.body as { tokens: TokenRecord[] }).tokens;
      if (json) io.stdout(`${JSON.stringify(tokens, null, 2)}\n`);
      else io.stdout(`${table([['ID', 'NAME', 'SCOPES', 'CREATED', 'EXPIRES', 'REVOKED'], ...tokens.map((t) => [t.id, t.name, t.scopes.join(','), t.createdAt, t.expiresAt ?? '-', t.revokedAt ?? '-'])])}\n`);
      return 0;
    }
    case 'create': {
      const scopes = str(args, 'scopes')?.split(',').map((s) => s.trim()).filter(Boolean);
      if (!arg || !scopes?.length) throw new UsageError(USAGE);
      const expiresAt = str(args, 'expires-at');
      const res = await client.request('POST', '/v1/tokens', { body: { name: arg, scopes, ...(expiresAt ? { expiresAt } : {}) } });
      if (res.status !== 201) return reportProblem(io, res);
      const t = res.body as TokenRecord & { token: string };
      if (json) io.stdout(`${JSON.stringify(t, null, 2)}\n`);
      // The secret alone on stdout, so `export ATTESTANT_TOKEN=$(attestant token create …)` works.
      else {
        io.stderr(`created token ${t.id} "${t.name}" (${t.scopes.join(',')}${t.expiresAt ? `, expires ${t.expiresAt}` : ''}); its secret is shown only now:\n`);
        io.stdout(`${t.token}\n`);
      }
      return 0;
    }
    case 'revoke': {
      if (!arg) throw new UsageError(USAGE);
      const res = await client.request('DELETE', `/v1/tokens/${encodeURIComponent(arg)}`);
      if (res.status !== 200) return reportProblem(io, res);
      const t = res.body as TokenRecord;
      if (json) io.stdout(`${JSON.stringify(t, null, 2)}\n`);
      else io.stdout(`revoked token ${t.id} "${t.name}" at ${t.revokedAt}\n`);
      return 0;
    }
    default:
      throw new UsageError(USAGE);
  }
}
