// Generates the OpenAPI document from the route schemas. The app is built on a pool that never
// connects (no route runs), so generation needs no database.
import { loadConfig } from '../config/index.ts';
import { connectDatabase } from '../platform/database.ts';
import { buildApp } from '../app.ts';

export async function generateOpenApiDocument(): Promise<Record<string, unknown>> {
  const db = connectDatabase('postgresql://unused@127.0.0.1:1/unused', { poolSize: 1 });
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', ATTESTANT_POLICY_DIR: '/nonexistent-policy-dir' }), db, logger: false, openapiOnly: true });
  await app.ready();
  const doc = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  await db.close();
  return doc;
}

export function serialiseOpenApi(doc: Record<string, unknown>): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
