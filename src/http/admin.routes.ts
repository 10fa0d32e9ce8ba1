import type { FastifyInstance } from 'fastify';
import { errorResponses } from './schemas.ts';

export async function adminRoutes(app: FastifyInstance, opts: { reload: () => Promise<unknown> }): Promise<void> {
  app.post('/v1/admin/reload', {
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'],
      summary: 'Reload policies, trust configuration and the TLS certificate without a restart (also on SIGHUP). An invalid file is refused and the previous configuration stays in force.',
      security: [{ bearer: [] }],
      response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses() },
    },
  }, async () => opts.reload());
}
