// Shared JSON Schemas for route contracts (they feed validation and the OpenAPI document).

export const digestPattern = '^sha256:[0-9a-f]{64}$';

/** `/{id}` of a stored record (tokens, exceptions). */
export const idParams = { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] } as const;

export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable machine-readable error code' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    pointer: { type: 'string', description: 'JSON pointer (or element path) to the offending input' },
    errors: { type: 'array', items: {} },
  },
  required: ['type', 'title', 'status', 'detail', 'code'],
  additionalProperties: true,
} as const;

const problemRef = { $ref: 'Problem#' } as const;

/** Error responses every authenticated route can give. */
export function errorResponses(...statuses: number[]): Record<number, typeof problemRef> {
  const out: Record<number, typeof problemRef> = {};
  for (const s of [400, 401, 403, ...statuses]) out[s] = problemRef;
  return out;
}

/** Requests that carry a few fields (decisions, deployments, exceptions, tokens). */
export const SMALL_BODY_LIMIT = 64 * 1024;
/** AdmissionReview: Kubernetes objects are bounded by etcd's 1.5 MiB request limit; leave room. */
export const ADMISSION_BODY_LIMIT = 4 * 1024 * 1024;
/** POST /v1/verify: a bundle and an optional trusted root. */
export const VERIFY_BODY_LIMIT = 8 * 1024 * 1024;
