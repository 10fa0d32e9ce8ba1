import { PolicyError } from './errors.ts';
import type { PolicyIssue } from './errors.ts';
import type { LoadedPolicySet, Policy } from './types.ts';

/**
 * Builds the environment → policy index. Precedence is deliberately not
 * defined: two policies governing the same environment, or two policies with
 * the same name (decisions record the name), are a load error, because any
 * implicit precedence (file order, "most specific") would let a new file
 * silently weaken production.
 */
export function buildPolicySet(policies: readonly Policy[]): LoadedPolicySet {
  const byEnvironment = new Map<string, Policy>();
  const byName = new Map<string, Policy>();
  const issues: PolicyIssue[] = [];
  for (const p of policies) {
    const other = byName.get(p.name);
    if (other) {
      issues.push({
        file: p.file,
        line: p.source?.name.line ?? 0,
        column: p.source?.name.column ?? 0,
        field: '/metadata/name',
        message: `policy name "${p.name}" is already used by ${other.file}`,
      });
    } else {
      byName.set(p.name, p);
    }
    p.environments.forEach((env, i) => {
      const owner = byEnvironment.get(env);
      if (owner) {
        const pos = p.source?.environments[i];
        issues.push({
          file: p.file,
          line: pos?.line ?? 0,
          column: pos?.column ?? 0,
          field: `/spec/environments/${i}`,
          message: `environment "${env}" is already governed by policy "${owner.name}" (${owner.file}); an environment may have only one policy`,
        });
      } else {
        byEnvironment.set(env, p);
      }
    });
  }
  if (issues.length > 0) throw new PolicyError('POLICY_INVALID', issues);
  const deniedPackageKeys = new Set(policies.flatMap((p) => p.rules.denyComponents.map((r) => r.packageKey)));
  return { policies: [...policies], byEnvironment, deniedPackageKeys };
}
