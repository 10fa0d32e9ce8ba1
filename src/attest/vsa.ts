import { isRecord } from './statement.parser.ts';
import { fail, optString, PREDICATE } from './predicate-fields.ts';

/**
 * SLSA Verification Summary Attestation v1 → facts.
 * Spec: https://slsa.dev/spec/v1.0/verification_summary (fields §Fields).
 * `verifier.id`, `verificationResult` and `verifiedLevels` are required by the
 * spec and are what policy reads, so they are enforced; the rest is optional
 * here so a VSA missing e.g. `resourceUri` still yields usable facts.
 */
export interface VsaFacts {
  verifierId: string;
  timeVerified?: Date;
  resourceUri?: string;
  policyUri?: string;
  /** `PASSED` | `FAILED` per spec; kept verbatim, policy compares exactly. */
  verificationResult: string;
  verifiedLevels: string[];
  slsaVersion?: string;
}

const P = PREDICATE;

export function toVsaFacts(predicate: unknown): VsaFacts {
  if (!isRecord(predicate)) fail('must be an object', P);
  const verifier = predicate['verifier'];
  if (!isRecord(verifier)) fail('verifier is required', `${P}/verifier`);
  const verifierId = optString(verifier['id'], `${P}/verifier/id`);
  if (!verifierId) fail('verifier.id is required', `${P}/verifier/id`);

  const verificationResult = optString(predicate['verificationResult'], `${P}/verificationResult`);
  if (verificationResult !== 'PASSED' && verificationResult !== 'FAILED') {
    fail('verificationResult must be PASSED or FAILED', `${P}/verificationResult`);
  }
  const levels = predicate['verifiedLevels'];
  if (!Array.isArray(levels) || !levels.every((l): l is string => typeof l === 'string')) {
    fail('verifiedLevels must be an array of strings', `${P}/verifiedLevels`);
  }

  const out: VsaFacts = { verifierId, verificationResult, verifiedLevels: [...levels] };
  const tv = optString(predicate['timeVerified'], `${P}/timeVerified`);
  if (tv !== undefined) {
    const d = new Date(tv);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(tv) || Number.isNaN(d.getTime())) fail('must be an RFC 3339 timestamp', `${P}/timeVerified`);
    out.timeVerified = d;
  }
  const resourceUri = optString(predicate['resourceUri'], `${P}/resourceUri`);
  if (resourceUri !== undefined) out.resourceUri = resourceUri;
  const policy = predicate['policy'];
  if (policy !== undefined) {
    if (!isRecord(policy)) fail('must be an object', `${P}/policy`);
    const uri = optString(policy['uri'], `${P}/policy/uri`);
    if (uri !== undefined) out.policyUri = uri;
  }
  const slsaVersion = optString(predicate['slsaVersion'], `${P}/slsaVersion`);
  if (slsaVersion !== undefined) out.slsaVersion = slsaVersion;
  return out;
}
