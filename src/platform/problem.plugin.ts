// RFC 9457 problem+json for every error. Unknown errors are 500 with a generic detail and are
// logged in full with the request id; known codes map to statuses through STATUS_BY_CODE.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { statusForCode } from './errors.ts';
import { isDatabaseUnavailable } from './database-unavailable.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  pointer?: string;
  errors?: unknown[];
  [k: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict', 413: 'Content Too Large', 414: 'URI Too Long',
  415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** SQLSTATEs of values PostgreSQL refuses to store, and the problem's detail for each. */
const NUL_TEXT = 'The request holds text with a NUL character (U+0000), which the database cannot store; nothing was stored.';
const UNSTORABLE_SQLSTATE: Readonly<Record<string, string>> = {
  '22021': NUL_TEXT, // character_not_in_repertoire (text)
  '22P05': NUL_TEXT, // untranslatable_character (\u0000 in jsonb)
  '54000': 'The request holds a value too long for the database to index (a B-tree entry holds about 2.7 KB); nothing was stored.', // program_limit_exceeded
};

export function problemType(code: string): string {
  return `https://attestant.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

export function makeProblem(status: number, code: string, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: problemType(code), title: TITLES[status] ?? 'Error', status, detail, code, ...extra };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...problem, instance: request.url, requestId: request.id });
}

function fromFastifyError(err: FastifyError): Problem | undefined {
  if (err.validation) {
    const ctx = err.validationContext ?? 'body';
    const first = err.validation[0];
    const pointer = first ? `${first.instancePath || ''}` : undefined;
    return makeProblem(400, 'VALIDATION_FAILED', `${ctx}${pointer ?? ''} ${first?.message ?? 'is invalid'}`.trim(), {
      pointer: pointer || undefined,
      location: ctx,
      errors: err.validation.map((v) => ({ pointer: v.instancePath, message: v.message, keyword: v.keyword, params: v.params })),
    });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return makeProblem(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than this route accepts (uploads: ATTESTANT_BODY_LIMIT).');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return makeProblem(415, 'UNSUPPORTED_MEDIA_TYPE', err.message);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return makeProblem(400, 'INVALID_JSON', err.message);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return makeProblem(400, 'BAD_REQUEST', err.message);
    default:
      break;
  }
  if (err instanceof SyntaxError) return makeProblem(400, 'INVALID_JSON', err.message);
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return makeProblem(err.statusCode, err.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : err.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST', err.message);
  }
  return undefined;
}

export function toProblem(err: unknown): Problem | undefined {
  const e = err as { code?: unknown; message?: string; details?: Record<string, unknown>; pointer?: unknown; position?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const status = statusForCode(code);
  if (status !== undefined && code) {
    const extra: Partial<Problem> = { ...(e.details ?? {}) };
    if (typeof e.pointer === 'string') extra.pointer = e.pointer;
    if (typeof e.position === 'number') extra.position = e.position;
    return makeProblem(status, code, e.message ?? code, extra);
  }
  if (isDatabaseUnavailable(err)) return makeProblem(503, 'DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly.');
  // Text PostgreSQL refuses is the request's, not a bug: the nul guard and the SBOM assembler catch
  // it at the door with a pointer, and this catches what reaches a statement another way. The
  // statement's transaction stored nothing.
  const unstorable = typeof (err as { severity?: unknown })?.severity === 'string' && code ? UNSTORABLE_SQLSTATE[code] : undefined;
  if (unstorable) return makeProblem(400, 'TEXT_UNSTORABLE', unstorable);
  return fromFastifyError(err as FastifyError);
}

/**
 * Fastify's `frameworkErrors`: a URL its router cannot decode, or a path parameter over its length
 * limit, answered as problems rather than Fastify's own JSON.
 */
export function frameworkErrorProblem(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? makeProblem(414, 'URI_TOO_LONG', 'A path parameter is longer than this service accepts.')
    : err.code === 'FST_ERR_BAD_URL'
      ? makeProblem(400, 'BAD_URL', 'The URL is not valid (a percent-escape that does not decode).')
      : makeProblem(typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400, 'BAD_REQUEST', err.message);
  return sendProblem(reply, request, problem);
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser rejected before any route saw it
 * (malformed, headers too large, too slow), answered on the socket as a problem.
 */
export function clientErrorProblem(err: NodeJS.ErrnoException, socket: import('node:net').Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = err.code === 'HPE_HEADER_OVERFLOW'
    ? makeProblem(431, 'HEADERS_TOO_LARGE', 'The request headers are larger than this service accepts.')
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? makeProblem(408, 'REQUEST_TIMEOUT', 'The request was not received in time.')
      : makeProblem(400, 'BAD_REQUEST', 'The request is not valid HTTP.');
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

export const problemPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err, request, reply) => {
      const problem = toProblem(err);
      if (problem) {
        if (problem.status >= 500) request.log.error({ err }, 'request failed: %s', problem.code);
        else request.log.info({ code: problem.code, detail: problem.detail }, 'request rejected');
        return sendProblem(reply, request, problem);
      }
      request.log.error({ err }, 'unhandled error');
      return sendProblem(reply, request, makeProblem(500, 'INTERNAL', 'An unexpected error occurred. Quote the request id when reporting it.'));
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, request, makeProblem(404, 'NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`)),
    );
  },
  { name: 'problem' },
);
