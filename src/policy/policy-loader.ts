import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyError } from './errors.ts';
import type { PolicyIssue } from './errors.ts';
import { parsePolicyFile } from './policy.parser.ts';
import { buildPolicySet } from './policy-set.ts';
import type { LoadedPolicySet, Policy } from './types.ts';

/**
 * The policy module's only I/O: read every *.yaml / *.yml file of `dir`
 * (not recursive, sorted by name so errors come out in a stable order) and
 * hand the bytes to the pure parser.
 *
 * A missing or empty directory yields a set with no policies (every decision
 * is then a deny with rule 'environment'). All files are validated before
 * failing, so one start-up shows every broken file at once.
 */
export function loadPolicies(dir: string): LoadedPolicySet {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      // Dotfiles are skipped (editor backups, Kubernetes' `..data`); symlinks
      // are followed because ConfigMap volumes mount every key as a symlink.
      .filter((e) => !e.name.startsWith('.') && /\.ya?ml$/i.test(e.name))
      .filter((e) => e.isFile() || (e.isSymbolicLink() && isFileTarget(join(dir, e.name))))
      .map((e) => e.name)
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return buildPolicySet([]);
    throw new PolicyError('POLICY_IO', `cannot read policy directory ${dir}: ${(e as Error).message}`);
  }

  const policies: Policy[] = [];
  const issues: PolicyIssue[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new PolicyError('POLICY_IO', `cannot read policy file ${file}: ${(e as Error).message}`);
    }
    try {
      policies.push(parsePolicyFile(file, bytes));
    } catch (e) {
      if (e instanceof PolicyError) issues.push(...e.issues);
      else throw e;
    }
  }
  if (issues.length > 0) throw new PolicyError('POLICY_INVALID', issues);
  return buildPolicySet(policies);
}

function isFileTarget(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // dangling symlink: nothing to load
  }
}
