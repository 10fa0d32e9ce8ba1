// `attestant policy validate [DIR]`: the checks start-up and every reload make, offline, so a CI job
// can refuse a policy change before it reaches a ConfigMap (where a running replica would refuse
// it and keep the previous policies, which is safe but silent to whoever merged it).
import { loadPolicies, PolicyError } from '../policy/index.ts';
import { parseArgs, UsageError } from './args.ts';
import { count, table } from './table.ts';
import type { Io } from './main.ts';

const USAGE = 'usage: attestant policy validate [DIR] [--json]   (DIR: default ATTESTANT_POLICY_DIR, else ./policies)';

export function runPolicy(argv: string[], io: Io, env: Record<string, string | undefined> = process.env): number {
  const args = parseArgs(argv, ['json']);
  const [sub, dirArg, extra] = args.positionals;
  if (sub !== 'validate' || extra !== undefined) throw new UsageError(USAGE);
  const dir = dirArg ?? env.ATTESTANT_POLICY_DIR ?? './policies';
  const json = args.flags.json === true;
  let set;
  try {
    set = loadPolicies(dir);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    if (json) io.stdout(`${JSON.stringify({ valid: false, code: err.code, issues: err.issues }, null, 2)}\n`);
    else {
      io.stderr(`${err.message}\n`);
      const files = new Set(err.issues.map((i) => i.file).filter(Boolean));
      io.stderr(`${count(err.issues.length, 'problem')}${files.size ? ` in ${count(files.size, 'file')}` : ''}: a server would refuse this directory\n`);
    }
    return 1;
  }
  const policies = set.policies.map((p) => ({ file: p.file, name: p.name, environments: p.environments, mode: p.mode, digest: p.digest }));
  if (json) io.stdout(`${JSON.stringify({ valid: policies.length > 0, policies }, null, 2)}\n`);
  if (policies.length === 0) {
    // Loadable, but a server with it can decide nothing: every decision would be 503.
    if (!json) io.stderr(`no policy files (*.yaml, *.yml) in ${dir}: every decision would be unavailable (503 POLICY_UNAVAILABLE)\n`);
    return 1;
  }
  if (!json) {
    io.stdout(`${table([['FILE', 'POLICY', 'ENVIRONMENTS', 'MODE', 'DIGEST'], ...policies.map((p) => [p.file, p.name, p.environments.join(','), p.mode, p.digest])])}\n`);
    io.stdout(`${count(policies.length, 'policy', 'policies')} valid\n`);
  }
  return 0;
}
