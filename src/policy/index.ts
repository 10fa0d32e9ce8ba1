// Public API of the policy module: load + validate YAML policies; evaluate (pure).
export { PolicyError, formatIssue } from './errors.ts';
export type { PolicyErrorCode, PolicyIssue } from './errors.ts';
export type { ArtifactFacts, AttestationFacts, SignerFacts, PolicyException } from './facts.ts';
export { parsePolicyFile, policyDigest, compileIdentity } from './policy.parser.ts';
export { buildPolicySet } from './policy-set.ts';
export { loadPolicies, policyFilesDigest } from './policy-loader.ts';
export { evaluate } from './evaluator.ts';
export { Glob } from './glob.ts';
export { parseDuration } from './duration.ts';
export type {
  Decision,
  DecisionInput,
  DenyComponentRule,
  LoadedPolicySet,
  Policy,
  PolicyMode,
  PolicyRules,
  Reason,
  RuleName,
  SignerRule,
  VsaRule,
} from './types.ts';
