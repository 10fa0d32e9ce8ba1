// Builds the verified facts about one artifact in one round trip. Only rows that exist because a
// signature verified at ingest are here: attestation rows are written only after verification.
import type { Database } from '../platform/database.ts';
import type { ArtifactFacts } from '../policy/index.ts';

interface FactsRow {
  created_at: Date;
  attestations: Array<{ id: string; predicateType: string; verifiedAt: string; integratedTime: string | null; kind: 'keyless' | 'key'; issuer: string | null; identity: string | null; keyName: string | null; github: Record<string, string> | null }>;
  provenance: Array<{ attestationId: string; builderId: string; buildType: string | null; sourceRepo: string | null; sourceRef: string | null; sourceCommit: string | null; finishedOn: string | null }>;
  vsas: Array<{ attestationId: string; verifierId: string; verificationResult: string; verifiedLevels: string[]; policyUri: string | null; timeVerified: string | null }>;
  sboms: Array<{ id: string; format: string; componentCount: number }>;
  components: Array<[string, string, string | null, string]> | null;
}

// Indexes: artifact.digest (unique), attestation_subject_artifact_idx, sbom_artifact_artifact_idx,
// then primary keys.
const FACTS_SQL = `
SELECT a.created_at,
  (SELECT coalesce(json_agg(json_build_object(
      'id', t.id, 'predicateType', t.predicate_type, 'verifiedAt', t.verified_at, 'integratedTime', t.tlog_integrated_time,
      'kind', t.signer_kind, 'issuer', t.signer_issuer, 'identity', t.signer_identity, 'keyName', t.signer_key_name, 'github', t.signer_github)
      ORDER BY t.verified_at), '[]')
   FROM attestation_subject s JOIN attestation t ON t.id = s.attestation_id WHERE s.artifact_id = a.id) AS attestations,
  (SELECT coalesce(json_agg(json_build_object(
      'attestationId', p.attestation_id, 'builderId', p.builder_id, 'buildType', p.build_type, 'sourceRepo', p.source_repo,
      'sourceRef', p.source_ref, 'sourceCommit', p.source_commit, 'finishedOn', p.finished_on)), '[]')
   FROM attestation_subject s JOIN provenance p ON p.attestation_id = s.attestation_id JOIN attestation t ON t.id = s.attestation_id
   WHERE s.artifact_id = a.id
     -- A provenance speaks for its builder only if the builder signed it: the keyless certificate's
     -- identity is the builder id (as slsa-verifier checks for slsa-github-generator), or it was
     -- signed with a key the operator configured. Anyone can *claim* a builder id.
     AND (t.signer_kind = 'key' OR t.signer_identity = p.builder_id)) AS provenance,
  (SELECT coalesce(json_agg(json_build_object(
      'attestationId', v.attestation_id, 'verifierId', v.verifier_id, 'verificationResult', v.verification_result,
      'verifiedLevels', v.verified_levels, 'policyUri', v.policy_uri, 'timeVerified', v.time_verified)), '[]')
   FROM attestation_subject s JOIN vsa v ON v.attestation_id = s.attestation_id WHERE s.artifact_id = a.id) AS vsas,
  (SELECT coalesce(json_agg(json_build_object('id', b.id, 'format', b.format, 'componentCount', b.component_count)), '[]')
   FROM sbom_artifact sa JOIN sbom b ON b.id = sa.sbom_id WHERE sa.artifact_id = a.id) AS sboms,
  -- Only the packages the policies deny ($2): from component_package_version_idx to the few
  -- sbom_component rows of those packages, however many components the SBOMs list.
  (SELECT json_agg(json_build_array(c.package_key, c.purl, c.version, sc.sbom_id))
   FROM component c JOIN sbom_component sc ON sc.component_id = c.id JOIN sbom_artifact sa ON sa.sbom_id = sc.sbom_id
   WHERE c.package_key = ANY($2::text[]) AND sa.artifact_id = a.id) AS components
FROM artifact a WHERE a.digest = $1`;

const date = (s: string | null): Date | undefined => (s ? new Date(s) : undefined);
function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined || o[k] === null) delete o[k];
  return o;
}

export class FactsRepository {
  constructor(private readonly db: Pick<Database, 'pool'>) {}

  /**
   * Facts for an artifact, with the components of the packages in `componentScope` only (see
   * ArtifactFacts.componentScope); an unknown artifact has empty facts (and so fails every
   * requirement).
   */
  async load(digest: string, componentScope: ReadonlySet<string>): Promise<ArtifactFacts> {
    const { rows } = await this.db.pool.query<FactsRow>({ name: 'attestant_facts', text: FACTS_SQL, values: [digest, [...componentScope]] });
    const r = rows[0];
    const componentsByPackage: ArtifactFacts['componentsByPackage'] = new Map();
    if (!r) return { digest, attestations: [], provenance: [], vsas: [], sboms: [], componentsByPackage, componentScope };
    for (const [pk, purl, version, sbomId] of r.components ?? []) {
      let list = componentsByPackage.get(pk);
      if (!list) componentsByPackage.set(pk, (list = []));
      list.push({ purl, version, sbomId });
    }
    return {
      digest,
      firstSeenAt: r.created_at,
      attestations: r.attestations.map((a) => ({
        id: a.id, predicateType: a.predicateType, verifiedAt: new Date(a.verifiedAt),
        ...(a.integratedTime ? { integratedTime: new Date(a.integratedTime) } : {}),
        signer: defined({ kind: a.kind, issuer: a.issuer ?? undefined, identity: a.identity ?? undefined, keyName: a.keyName ?? undefined, github: a.github ?? undefined }),
      })),
      provenance: r.provenance.map((p) => defined({ attestationId: p.attestationId, builderId: p.builderId, buildType: p.buildType ?? undefined, sourceRepo: p.sourceRepo ?? undefined, sourceRef: p.sourceRef ?? undefined, sourceCommit: p.sourceCommit ?? undefined, finishedOn: date(p.finishedOn) })),
      vsas: r.vsas.map((v) => defined({ attestationId: v.attestationId, verifierId: v.verifierId, verificationResult: v.verificationResult, verifiedLevels: v.verifiedLevels ?? [], policyUri: v.policyUri ?? undefined, timeVerified: date(v.timeVerified) })),
      sboms: r.sboms,
      componentsByPackage,
      componentScope,
    };
  }
}
