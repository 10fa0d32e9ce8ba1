import { createHash } from 'node:crypto';
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
 * is then unavailable: fail closed). All files are validated before
 * failing, so one start-up shows every broken file at once.
 */
export function loadPolicies(dir: string): LoadedPolicySet {
  const names = policyFileNames(dir);
  if (names === undefined) return buildPolicySet([]);

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

/** The policy files of `dir`, by name; undefined when the directory does not exist. */
function policyFileNames(dir: string): string[] | undefined {
  try {
    return readdirSync(dir, { withFileTypes: true })
      // Dotfiles are skipped (editor backups, Kubernetes' `..data`); symlinks
      // are followed because ConfigMap volumes mount every key as a symlink.
      .filter((e) => !e.name.startsWith('.') && /\.ya?ml$/i.test(e.name))
      .filter((e) => e.isFile() || (e.isSymbolicLink() && isFileTarget(join(dir, e.name))))
      .map((e) => e.name)
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PolicyError('POLICY_IO', `cannot read policy directory ${dir}: ${(e as Error).message}`);
  }
}

/**
 * What loadPolicies would read from `dir`, as one digest (names and bytes): equal digests, equal
 * policy sets. Never throws: a directory or file it cannot read gives a digest of its own, so a
 * change that breaks the directory is seen as a change (and its reload reports why).
 */
export function policyFilesDigest(dir: string): string {
  const h = createHash('sha256');
  try {
    const names = policyFileNames(dir);
    if (names === undefined) return 'missing';
    for (const name of names) h.update(`${name}\0`).update(readFileSync(join(dir, name))).update('\0');
  } catch (e) {
    return `unreadable: ${(e as Error).message}`;
  }
  return h.digest('hex');
}

function isFileTarget(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // dangling symlink: nothing to load
  }
}
