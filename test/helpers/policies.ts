// Policy files for tests, written from plain objects so each test states only what it needs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { scratchDir } from './scratch-dir.ts';

export const SLSA_GENERATOR_BUILDERS = ['https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v*'];
export const EXAMPLE_PACKAGE_REPO = 'github.com/slsa-framework/example-package';

export interface PolicySpec { name?: string; environments?: string[]; mode?: 'enforce' | 'warn' | 'dry-run'; require?: Record<string, unknown>; deny?: Record<string, unknown> }

export function policyYaml(p: PolicySpec): string {
  const spec: Record<string, unknown> = { environments: p.environments ?? ['prod'], mode: p.mode ?? 'enforce' };
  if (p.require) spec.require = p.require;
  if (p.deny) spec.deny = p.deny;
  return stringify({ apiVersion: 'attestant.dev/v1', kind: 'Policy', metadata: { name: p.name ?? 'production' }, spec });
}

/** A fresh policy directory; `write` replaces a file (then reload through the API). */
export function policyDir(...policies: PolicySpec[]): { dir: string; write: (file: string, p: PolicySpec | string) => void } {
  const dir = scratchDir('attestant-policies-');
  const write = (file: string, p: PolicySpec | string) => writeFileSync(join(dir, file), typeof p === 'string' ? p : policyYaml(p));
  policies.forEach((p, i) => write(`policy-${i}.yaml`, p));
  return { dir, write };
}

/** Trusts slsa-github-generator builds of github.com/slsa-framework/example-package. */
export const SLSA_PRODUCTION: PolicySpec = {
  require: { provenance: { builders: SLSA_GENERATOR_BUILDERS, sourceRepos: [EXAMPLE_PACKAGE_REPO] } },
};
