import type { FastifyInstance } from 'fastify';
import { errorResponses } from './schemas.ts';

export async function adminRoutes(app: FastifyInstance, opts: { reload: () => Promise<unknown> }): Promise<void> {
  app.post('/v1/admin/reload', {
    config: { scope: 'admin' },
    schema: {
      tags: ['admin'],
      summary: 'Reload policies, trust configuration and the TLS certificate without a restart (also on SIGHUP; policy and trust files are also checked for changes every ATTESTANT_CONFIG_WATCH_SECONDS). An invalid file is refused and the previous configuration stays in force. Every other replica is told to check its own files at once (replicasNotified).',
      security: [{ bearer: [] }],
      response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses() },
    },
  }, async () => opts.reload());
}
