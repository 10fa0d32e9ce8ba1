import type { VersRange } from '../purl/index.ts';
import type { Glob } from './glob.ts';

export type PolicyMode = 'enforce' | 'warn' | 'dry-run';
export const POLICY_MODES: readonly PolicyMode[] = ['enforce', 'warn', 'dry-run'];

export interface ProvenanceRule {
  builders: Glob[];
  /** Absent → any source repo. */
  sourceRepos?: Glob[];
  /** Absent → any ref. */
  refs?: Glob[];
  minLevel?: number;
}

export interface TrustedBuilder {
  builder: Glob;
  level: number;
}

export type GithubClaim = 'repository' | 'ref' | 'workflow' | 'trigger' | 'runnerEnvironment';
export const GITHUB_CLAIMS: readonly GithubClaim[] = ['repository', 'ref', 'workflow', 'trigger', 'runnerEnvironment'];

export interface SignerRule {
  issuer: string;
  /** As written in the policy (with its ^…$). */
  identity: string;
  /** Compiled as ^(?:identity)$ so an alternation cannot escape the anchors. */
  identityRegex: RegExp;
  github?: Partial<Record<GithubClaim, Glob>>;
}

export interface VsaRule {
  verifier: Glob;
  /** e.g. SLSA_BUILD_LEVEL_3 → { track: 'BUILD', level: 3 }. */
  minLevel?: { text: string; track: string; level: number };
  policyUri?: Glob;
}

export interface DenyComponentRule {
  /** As written. */
  purl: string;
  packageKey: string;
  qualifiers: Record<string, string>;
  /** A version in the rule purl means exactly that version. */
  version?: string;
  range?: VersRange;
  rangeText?: string;
  reason: string;
}

export interface PolicyRules {
  provenance?: ProvenanceRule;
  trustedBuilders: TrustedBuilder[];
  signers?: SignerRule[];
  sbom: boolean;
  vsa?: VsaRule;
  maxAge?: { text: string; ms: number };
  denyComponents: DenyComponentRule[];
}

export interface Policy {
  name: string;
  /** 'sha256:<hex>' of the file bytes, recorded with every decision. */
  digest: string;
  file: string;
  environments: string[];
  mode: PolicyMode;
  rules: PolicyRules;
  /** Where fields sit in the file, so conflicts between files can be reported with a position. */
  source?: { name: SourcePosition; environments: SourcePosition[] };
}

export interface SourcePosition {
  line: number;
  column: number;
}

export interface LoadedPolicySet {
  policies: readonly Policy[];
  /** Each environment is governed by at most one policy (enforced at load). */
  byEnvironment: ReadonlyMap<string, Policy>;
  /**
   * Every package key a deny rule of any policy names: the only components a decision needs to
   * read, so facts are loaded and cached for these alone. A new object per loaded set.
   */
  deniedPackageKeys: ReadonlySet<string>;
}

export type RuleName =
  | 'environment'
  | 'provenance'
  | 'provenance.minLevel'
  | 'signers'
  | 'sbom'
  | 'vsa'
  | 'maxAge'
  | 'deny.components';

export interface Reason {
  rule: RuleName;
  outcome: 'pass' | 'fail' | 'exception' | 'warn';
  message: string;
  evidence?: { attestationId?: string; signer?: string; component?: string; exceptionId?: string; [k: string]: unknown };
}

export interface Decision {
  allowed: boolean;
  mode: PolicyMode;
  outcome: 'allow' | 'deny' | 'exception' | 'warn' | 'dry-run-deny';
  policy?: { name: string; digest: string };
  reasons: Reason[];
}

export interface DecisionInput {
  artifact: string;
  environment: string;
  service?: string;
}
