import type pg from 'pg';
import type { Database } from '../platform/database.ts';
import type { PolicyException } from '../policy/index.ts';

export interface NewException { environment: string; artifact?: string; component?: string; owner: string; justification: string; expiresAt: Date; createdBy?: string }

/** An exception as stored, for listing: in force or not. */
export interface ExceptionRecord extends PolicyException { createdAt: Date; createdBy: string | null; revokedAt: Date | null; revokedBy: string | null }

interface Row {
  id: string; environment: string; artifact_digest: string | null; component_purl: string | null; owner: string; justification: string;
  expires_at: Date; created_at: Date; created_by: string | null; revoked_at: Date | null; revoked_by: string | null;
}
const COLUMNS = 'id, environment, artifact_digest, component_purl, owner, justification, expires_at, created_at, created_by, revoked_at, revoked_by';

function toException(r: Row): PolicyException {
  return {
    id: r.id, environment: r.environment, owner: r.owner, justification: r.justification, expiresAt: r.expires_at,
    ...(r.artifact_digest ? { artifact: r.artifact_digest } : {}),
    ...(r.component_purl ? { component: r.component_purl } : {}),
  };
}

function toRecord(r: Row): ExceptionRecord {
  return { ...toException(r), createdAt: r.created_at, createdBy: r.created_by, revokedAt: r.revoked_at, revokedBy: r.revoked_by };
}

export class ExceptionRepository {
  constructor(private readonly db: Pick<Database, 'pool'>) {}

  /**
   * Exceptions in force: unexpired and not revoked (expiry is re-checked at decision time against
   * the decision's clock). Index: policy_exception_env_idx.
   */
  async active(now: Date): Promise<PolicyException[]> {
    const { rows } = await this.db.pool.query<Row>(`SELECT ${COLUMNS} FROM policy_exception WHERE expires_at > $1 AND revoked_at IS NULL`, [now]);
    return rows.map(toException);
  }

  /** Newest first; only those in force at `now` unless `all`. */
  async list(opts: { now: Date; environment?: string; all: boolean; limit: number }): Promise<ExceptionRecord[]> {
    const { rows } = await this.db.pool.query<Row>(
      `SELECT ${COLUMNS} FROM policy_exception
       WHERE ($1::text IS NULL OR environment = $1) AND ($2 OR (expires_at > $3 AND revoked_at IS NULL))
       ORDER BY created_at DESC, id LIMIT $4`,
      [opts.environment ?? null, opts.all, opts.now, opts.limit],
    );
    return rows.map(toRecord);
  }

  async insert(client: pg.ClientBase, e: NewException): Promise<{ id: string; createdAt: Date }> {
    const { rows } = await client.query<{ id: string; created_at: Date }>(
      `INSERT INTO policy_exception (environment, artifact_digest, component_purl, owner, justification, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at`,
      [e.environment, e.artifact ?? null, e.component ?? null, e.owner, e.justification, e.expiresAt, e.createdBy ?? null],
    );
    return { id: rows[0]!.id, createdAt: rows[0]!.created_at };
  }

  /**
   * Revokes inside the caller's transaction. `revoked` is false when it was revoked already (the
   * first revocation is kept); undefined when no such exception exists.
   */
  async revoke(client: pg.ClientBase, id: string, by: string | undefined): Promise<{ exception: ExceptionRecord; revoked: boolean } | undefined> {
    const { rows } = await client.query<Row>(`UPDATE policy_exception SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`, [id, by ?? null]);
    if (rows[0]) return { exception: toRecord(rows[0]), revoked: true };
    const { rows: existing } = await client.query<Row>(`SELECT ${COLUMNS} FROM policy_exception WHERE id = $1`, [id]);
    return existing[0] ? { exception: toRecord(existing[0]), revoked: false } : undefined;
  }
}
