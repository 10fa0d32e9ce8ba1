/**
 * What the evaluator reads. The storage layer builds these from verified rows
 * only ("verify once, at ingest; decide from stored facts", DESIGN.md), and only
 * from attestations whose subject is the artifact being decided.
 */
export interface SignerFacts {
  kind: 'keyless' | 'key';
  issuer?: string;
  identity?: string;
  keyName?: string;
  github?: { repository?: string; ref?: string; workflow?: string; trigger?: string; runnerEnvironment?: string; sha?: string };
}

export interface AttestationFacts {
  id: string;
  predicateType: string;
  verifiedAt: Date;
  /** Transparency-log integrated time, when the bundle had a tlog entry. */
  integratedTime?: Date;
  signer: SignerFacts;
}

export interface ArtifactFacts {
  digest: string; // 'sha256:<hex>'
  firstSeenAt?: Date;
  attestations: AttestationFacts[];
  provenance: Array<{ attestationId: string; builderId: string; buildType?: string; sourceRepo?: string; sourceRef?: string; sourceCommit?: string; finishedOn?: Date }>;
  vsas: Array<{ attestationId: string; verifierId: string; verificationResult: string; verifiedLevels: string[]; policyUri?: string; timeVerified?: Date }>;
  sboms: Array<{ id: string; format: string; componentCount: number }>;
  /** Components of all bound SBOMs, grouped by package key ('pkg:type/ns/name') for O(1) deny lookups. */
  componentsByPackage: Map<string, Array<{ purl: string; version: string | null; sbomId: string }>>;
  /**
   * When set, componentsByPackage holds only the components of these package keys (the loaded
   * policies' denied packages, LoadedPolicySet.deniedPackageKeys), not every component.
   */
  componentScope?: ReadonlySet<string>;
}

export interface PolicyException {
  id: string;
  environment: string;
  artifact?: string;
  /** purl, with or without version. */
  component?: string;
  owner: string;
  justification: string;
  expiresAt: Date;
}
