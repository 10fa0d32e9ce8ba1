import type pg from 'pg';
import type { Database } from '../platform/database.ts';
import type { BatchSideWrite } from '../audit/audit-log.ts';

export interface DecisionRow {
  id: string; createdAt: Date; artifact: string; environment: string; service: string | null;
  allowed: boolean; mode: string; outcome: string; policyName: string | null; policyDigest: string | null; reasons: unknown;
}

/** Group-committed decision rows: one INSERT ... unnest for a whole batch. */
export const decisionBatchWrite: BatchSideWrite<DecisionRow> = {
  async write(client: pg.ClientBase, rows: DecisionRow[]): Promise<void> {
    await client.query(
      `INSERT INTO decision (id, created_at, artifact_digest, environment, service, allowed, mode, outcome, policy_name, policy_digest, reasons)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[])`,
      [
        rows.map((r) => r.id), rows.map((r) => r.createdAt), rows.map((r) => r.artifact), rows.map((r) => r.environment),
        rows.map((r) => r.service), rows.map((r) => r.allowed), rows.map((r) => r.mode), rows.map((r) => r.outcome),
        rows.map((r) => r.policyName), rows.map((r) => r.policyDigest), rows.map((r) => JSON.stringify(r.reasons)),
      ],
    );
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
