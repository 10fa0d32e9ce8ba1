import type { FastifyInstance } from 'fastify';
import { toCsv, type UsageService } from '../search/usage.service.ts';
import { errorResponses } from './schemas.ts';

export const usageResultSchema = {
  $id: 'UsageResult',
  type: 'object',
  properties: {
    matches: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          component: { type: 'string', description: 'Canonical purl (or name@version for components without one)' },
          artifact: { type: ['object', 'null'], properties: { digest: { type: 'string' }, name: { type: 'string' } } },
          sbom: { type: 'string' },
          direct: { type: 'boolean' },
          path: { type: 'array', items: { type: 'string' }, description: "One dependency path from the SBOM's root to the component" },
          services: { type: 'array', items: { type: 'string' } },
          deployments: {
            type: 'array',
            items: { type: 'object', properties: { service: { type: 'string' }, environment: { type: 'string' }, since: { type: 'string', format: 'date-time' } }, required: ['service', 'environment', 'since'] },
          },
          unorderable: { type: 'boolean' },
          fuzzy: { type: 'boolean' },
          vex: {
            type: 'object',
            description: 'With vulnerability=: the latest verified OpenVEX statement about this component in this artifact (absent: none)',
            properties: {
              vulnerability: { type: 'string' },
              status: { type: 'string', enum: ['not_affected', 'affected', 'fixed', 'under_investigation'] },
              justification: { type: 'string' },
              impactStatement: { type: 'string' },
              actionStatement: { type: 'string' },
              timestamp: { type: 'string', format: 'date-time' },
              attestation: { type: 'string', format: 'uuid', description: 'The verified attestation that carries the statement' },
              signer: { type: 'string' },
            },
            required: ['vulnerability', 'status', 'timestamp', 'attestation', 'signer'],
          },
        },
        required: ['component', 'artifact', 'sbom', 'direct', 'services', 'deployments'],
      },
    },
    totals: {
      type: 'object',
      properties: { components: { type: 'integer' }, artifacts: { type: 'integer' }, services: { type: 'integer' }, matches: { type: 'integer' } },
      required: ['components', 'artifacts', 'services', 'matches'],
    },
    unorderable: { type: 'array', items: { type: 'string' } },
    nextCursor: { type: 'string' },
  },
  required: ['matches', 'totals'],
} as const;

export async function usageRoutes(app: FastifyInstance, opts: { service: UsageService }): Promise<void> {
  app.get<{ Querystring: { purl?: string; name?: string; range?: string; environment?: string; vulnerability?: string; limit?: number; cursor?: string } }>('/v1/components/usage', {
    config: { scope: 'read' },
    schema: {
      tags: ['search'],
      summary: 'Where-used: which artifacts, services and environments use a component (version range optional)',
      description: 'purl names a package (type/namespace/name; a version means that exact version; qualifiers narrow the match). range is a vers: range (https://github.com/package-url/purl-spec VERSION-RANGE-SPEC). name= searches by component name across ecosystems (fuzzy). environment= keeps only artifacts deployed in that environment now (totals count those only). vulnerability= (a CVE, GHSA or other id, or an alias) annotates each match with the latest statement about it from verified OpenVEX attestations whose subject is the artifact. Accept: text/csv gives CSV.',
      security: [{ bearer: [] }],
      querystring: {
        type: 'object',
        properties: {
          purl: { type: 'string', maxLength: 2000 },
          name: { type: 'string', minLength: 1, maxLength: 500 },
          range: { type: 'string', maxLength: 2000 },
          environment: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$' },
          vulnerability: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:/-]+$' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          cursor: { type: 'string', maxLength: 4000 },
        },
        additionalProperties: false,
      },
      produces: ['application/json', 'text/csv'],
      response: { 200: { $ref: 'UsageResult#' }, ...errorResponses() },
    },
  }, async (request, reply) => {
    const q = request.query;
    const result = await opts.service.search({ purl: q.purl, name: q.name, range: q.range, environment: q.environment, vulnerability: q.vulnerability, limit: q.limit ?? 100, cursor: q.cursor });
    const accept = request.headers.accept ?? '';
    if (/text\/csv/.test(accept) && !/application\/json/.test(accept)) {
      if (result.nextCursor) reply.header('x-next-cursor', result.nextCursor);
      reply.header('x-total-matches', String(result.totals.matches));
      return reply.type('text/csv; charset=utf-8').serializer((x: unknown) => x as string).send(toCsv(result));
    }
    return result;
  });
}
