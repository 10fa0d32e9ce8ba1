import type pg from 'pg';
import type { Database } from '../platform/database.ts';

export interface StoredDocument { digest: string; content: Buffer }

export class DocumentRepository {
  constructor(private readonly db: Database) {}

  /**
   * The bytes exactly as uploaded (decompressed when sent gzipped). Read in PostgreSQL's binary
   * format: bytea as text would arrive hex-encoded, a transient string twice the document's size.
   */
  async byId(documentId: string): Promise<StoredDocument | undefined> {
    // `binary` is the driver's (pg/lib/query.js), missing from its type declarations.
    const query = { text: 'SELECT digest, content FROM document WHERE id = $1', values: [documentId], binary: true } as pg.QueryConfig;
    const { rows } = await this.db.pool.query<StoredDocument>(query);
    return rows[0];
  }
}
