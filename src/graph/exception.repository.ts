import type pg from 'pg';
import type { Database } from '../platform/database.ts';
import type { PolicyException } from '../policy/index.ts';

export interface NewException { environment: string; artifact?: string; component?: string; owner: string; justification: string; expiresAt: Date; createdBy?: string }

export class ExceptionRepository {
  constructor(private readonly db: Pick<Database, 'pool'>) {}

  /** Unexpired exceptions (expiry is re-checked at decision time against the decision's clock). Index: policy_exception_env_idx. */
  async active(now: Date): Promise<PolicyException[]> {
    const { rows } = await this.db.pool.query<{ id: string; environment: string; artifact_digest: string | null; component_purl: string | null; owner: string; justification: string; expires_at: Date }>(
      'SELECT id, environment, artifact_digest, component_purl, owner, justification, expires_at FROM policy_exception WHERE expires_at > $1',
      [now],
    );
    return rows.map((r) => ({
      id: r.id, environment: r.environment, owner: r.owner, justification: r.justification, expiresAt: r.expires_at,
      ...(r.artifact_digest ? { artifact: r.artifact_digest } : {}),
      ...(r.component_purl ? { component: r.component_purl } : {}),
    }));
  }

  async insert(client: pg.ClientBase, e: NewException): Promise<{ id: string; createdAt: Date }> {
    const { rows } = await client.query<{ id: string; created_at: Date }>(
      `INSERT INTO policy_exception (environment, artifact_digest, component_purl, owner, justification, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at`,
      [e.environment, e.artifact ?? null, e.component ?? null, e.owner, e.justification, e.expiresAt, e.createdBy ?? null],
    );
    return { id: rows[0]!.id, createdAt: rows[0]!.created_at };
  }
}
