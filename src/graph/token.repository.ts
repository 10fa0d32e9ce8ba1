import type { Database } from '../platform/database.ts';

export interface StoredToken { id: string; name: string; scopes: string[] }

export class TokenRepository {
  constructor(private readonly db: Database) {}

  async findActiveByHash(tokenHash: string): Promise<StoredToken | undefined> {
    const { rows } = await this.db.pool.query<StoredToken>(
      'SELECT id, name, scopes FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL',
      [tokenHash],
    );
    return rows[0];
  }

  async create(name: string, tokenHash: string, scopes: string[]): Promise<StoredToken & { createdAt: Date }> {
    const t = await this.db.prisma.apiToken.create({ data: { name, tokenHash, scopes } });
    return { id: t.id, name: t.name, scopes: t.scopes, createdAt: t.createdAt };
  }

  async count(): Promise<number> {
    return this.db.prisma.apiToken.count();
  }
}
