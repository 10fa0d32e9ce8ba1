import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { problemSchema } from '../http/schemas.ts';

export const openapiPlugin = fp(
  async (app: FastifyInstance, opts: { ui?: boolean }) => {
    app.addSchema(problemSchema);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Attestant',
          version: '1',
          description: 'Supply-chain provenance and attestation service: verified SBOMs and SLSA attestations in, where-used answers and deploy-time decisions out. Errors are RFC 9457 application/problem+json with a stable `code`.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API token with the scope the route names (admin implies all).' } } },
        tags: [
          { name: 'ingest' }, { name: 'search' }, { name: 'decide' }, { name: 'verify' }, { name: 'admin' }, { name: 'operations' },
        ],
      },
      refResolver: { buildLocalReference: (json, _base, _frag, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    });
    if (opts.ui !== false) await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { config: { scope: 'public' }, schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi', dependencies: ['auth'] },
);
