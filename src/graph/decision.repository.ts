import type { Database } from '../platform/database.ts';
import type { BatchSideWrite } from '../audit/audit-log.ts';

export interface DecisionRow {
  id: string; createdAt: Date; artifact: string; environment: string; service: string | null;
  allowed: boolean; mode: string; outcome: string; policyName: string | null; policyDigest: string | null; reasons: unknown;
}

/** Group-committed decision rows: one INSERT ... unnest for a whole batch, in the audit statement. */
export const decisionBatchWrite: BatchSideWrite<DecisionRow> = {
  insert(rows: DecisionRow[], p: number) {
    const n = (i: number) => `$${p + i}`;
    return {
      sql: `INSERT INTO decision (id, created_at, artifact_digest, environment, service, allowed, mode, outcome, policy_name, policy_digest, reasons)
            SELECT * FROM unnest(${n(0)}::uuid[], ${n(1)}::timestamptz[], ${n(2)}::text[], ${n(3)}::text[], ${n(4)}::text[], ${n(5)}::boolean[], ${n(6)}::text[], ${n(7)}::text[], ${n(8)}::text[], ${n(9)}::text[], ${n(10)}::jsonb[])`,
      params: [
        rows.map((r) => r.id), rows.map((r) => r.createdAt), rows.map((r) => r.artifact), rows.map((r) => r.environment),
        rows.map((r) => r.service), rows.map((r) => r.allowed), rows.map((r) => r.mode), rows.map((r) => r.outcome),
        rows.map((r) => r.policyName), rows.map((r) => r.policyDigest), rows.map((r) => JSON.stringify(r.reasons)),
      ],
    };
  },
};

export class DecisionRepository {
  constructor(private readonly db: Database) {}

  async recent(artifact: string, limit = 20): Promise<Array<{ id: string; createdAt: Date; environment: string; service: string | null; allowed: boolean; mode: string; outcome: string; policyName: string | null; policyDigest: string | null }>> {
    const { rows } = await this.db.pool.query(
      `SELECT id, created_at AS "createdAt", environment, service, allowed, mode, outcome, policy_name AS "policyName", policy_digest AS "policyDigest"
       FROM decision WHERE artifact_digest = $1 ORDER BY created_at DESC LIMIT $2`,
      [artifact, limit],
    );
    return rows;
  }
}
