// Minting a token is two writes, the token and its audit event: one transaction, so neither is
// ever stored without the other.
import type { Database } from '../platform/database.ts';
import { withTransaction } from '../platform/database.ts';
import { appendAuditEvents } from '../audit/audit-log.ts';
import type { TokenRecord, TokenRepository } from './token.repository.ts';

export async function mintToken(db: Database, tokens: TokenRepository, t: { name: string; tokenHash: string; scopes: string[]; expiresAt?: Date }, actor: string | undefined): Promise<TokenRecord> {
  return withTransaction(db.pool, async (c) => {
    const created = await tokens.create(c, t);
    await appendAuditEvents(c, [{ kind: 'token.minted', actor, subject: created.id, payload: { name: created.name, scopes: created.scopes, ...(t.expiresAt ? { expiresAt: t.expiresAt.toISOString() } : {}) } }]);
    return created;
  });
}
