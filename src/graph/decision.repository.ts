import type { Database } from '../platform/database.ts';

export class DecisionRepository {
  constructor(private readonly db: Database) {}

  /** Index: audit_event_decision_idx (subject, at DESC) WHERE kind = 'decision'. */
  async recent(artifact: string, limit = 20): Promise<Array<{ id: string; createdAt: Date; environment: string; service: string | null; allowed: boolean; mode: string; outcome: string; policyName: string | null; policyDigest: string | null }>> {
    const { rows } = await this.db.pool.query(
      `SELECT id, created_at AS "createdAt", environment, service, allowed, mode, outcome, policy_name AS "policyName", policy_digest AS "policyDigest"
       FROM decision WHERE artifact_digest = $1 ORDER BY created_at DESC LIMIT $2`,
      [artifact, limit],
    );
    return rows;
  }
}
