import type pg from 'pg';
import type { Database } from '../platform/database.ts';

export interface StoredToken { id: string; name: string; scopes: string[]; expiresAt: Date | null }
/** What may be shown of a token: never its hash, let alone its secret. */
export interface TokenRecord extends StoredToken { createdAt: Date; revokedAt: Date | null }

const RECORD = 'id, name, scopes, created_at AS "createdAt", revoked_at AS "revokedAt", expires_at AS "expiresAt"';

export class TokenRepository {
  constructor(private readonly db: Database) {}

  async findActiveByHash(tokenHash: string): Promise<StoredToken | undefined> {
    const { rows } = await this.db.pool.query<StoredToken>(
      'SELECT id, name, scopes, expires_at AS "expiresAt" FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())',
      [tokenHash],
    );
    return rows[0];
  }

  /** Stores a token inside the caller's transaction (which also appends its audit event). */
  async create(client: pg.ClientBase, t: { name: string; tokenHash: string; scopes: string[]; expiresAt?: Date }): Promise<TokenRecord> {
    const { rows } = await client.query<TokenRecord>(
      `INSERT INTO api_token (name, token_hash, scopes, expires_at) VALUES ($1, $2, $3, $4) RETURNING ${RECORD}`,
      [t.name, t.tokenHash, t.scopes, t.expiresAt ?? null],
    );
    return rows[0]!;
  }

  async count(): Promise<number> {
    return this.db.prisma.apiToken.count();
  }

  async list(): Promise<TokenRecord[]> {
    const { rows } = await this.db.pool.query<TokenRecord>(`SELECT ${RECORD} FROM api_token ORDER BY created_at, id`);
    return rows;
  }

  /**
   * Revokes the token inside the caller's transaction. `revoked` is false when it was revoked
   * already (its first revocation time is kept); undefined when no such token exists.
   */
  async revoke(client: pg.ClientBase, id: string): Promise<{ token: TokenRecord; revoked: boolean } | undefined> {
    const { rows } = await client.query<TokenRecord>(`UPDATE api_token SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${RECORD}`, [id]);
    if (rows[0]) return { token: rows[0], revoked: true };
    const { rows: existing } = await client.query<TokenRecord>(`SELECT ${RECORD} FROM api_token WHERE id = $1`, [id]);
    return existing[0] ? { token: existing[0], revoked: false } : undefined;
  }
}
