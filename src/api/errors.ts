import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, type ErrorKind, type Problem } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../store/database-errors.js';
import { localiseProblem } from '../ingest/messages.js';
import { storableText } from '../ingest/problems.js';
import { requestLanguage } from './common.js';

/** The one place where error kinds become HTTP statuses. */
export const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  unavailable: 503,
};

/**
 * Retry-After (seconds) on every 503: the database is restarting, the server is stopping, or the
 * picture is not computed yet. Our choice: short enough that a client resumes soon after a restart of
 * PostgreSQL (seconds), long enough that clients do not hammer a database that is coming back.
 */
export const RETRY_AFTER_SECONDS = 5;

/** The answer when the database cannot serve a request (src/store/database-errors.ts). */
export const DATABASE_UNAVAILABLE_MESSAGE =
  'the database is not available right now (restarting, or the server is stopping): this request was ' +
  'not completed and nothing of it was acknowledged; send it again shortly (a report sent again with ' +
  'the same clientRef is never counted twice)';

export interface ErrorBody {
  error: { kind: ErrorKind | 'internal'; message: string; problems: Problem[]; correlationId: string };
}

/** Maps any thrown value to the error body; unknown errors become a 500 with no internals. */
export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(err, request);
  const correlationId = request.id;
  if (!appError) {
    request.log.error({ err, correlationId }, 'unhandled error');
    const body: ErrorBody = {
      error: { kind: 'internal', message: 'internal error', problems: [], correlationId },
    };
    return reply.status(500).send(body);
  }
  const body: ErrorBody = {
    error: {
      kind: appError.kind,
      message: appError.message,
      problems: appError.problems.map((p) => localiseProblem(p, requestLanguage(request))),
      correlationId,
    },
  };
  if (appError.kind === 'unavailable') {
    if (!isAppError(err)) request.log.warn({ err, correlationId }, 'database unavailable');
    void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  }
  return reply.status(STATUS_OF[appError.kind]).send(body);
}

function toAppError(err: unknown, request: FastifyRequest): AppError | undefined {
  if (isAppError(err)) return err;
  if (isDatabaseUnavailable(err)) return new AppError('unavailable', DATABASE_UNAVAILABLE_MESSAGE);
  const fe = err as Partial<FastifyError> & {
    validation?: { instancePath?: string; message?: string; params?: unknown }[];
  };
  if (fe.validation) {
    const context = (fe as { validationContext?: string }).validationContext ?? 'request';
    const problems: Problem[] = fe.validation.map((v) => ({
      at: `${context}${v.instancePath ? v.instancePath.replaceAll('/', '.') : ''}`,
      field: v.instancePath ? v.instancePath.split('/').pop() : undefined,
      message: v.message ?? 'invalid',
      expected: v.message,
    }));
    return AppError.invalid(
      `invalid ${context}: ${problems.map((p) => `${p.at} ${p.message}`).join('; ')}`,
      problems,
    );
  }
  if (fe.statusCode === 413 || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new AppError('too_large', 'the request body is larger than the limit');
  }
  if (fe.statusCode === 415 || fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return AppError.invalid(`unsupported content type ${fe.message ?? ''}`.trim());
  }
  if (fe.code === 'FST_STATIC_FORBIDDEN_PATH') {
    // A file path that climbs out of the served folder (`/api/docs/static/../x`) or holds a NUL.
    const path = storableText(request.url.split('?')[0] ?? '').slice(0, 300);
    return AppError.invalid(`path '${path}' is not a file that is served`, [
      {
        at: path,
        field: 'path',
        value: path,
        expected: 'a path inside the served folder, without "..", "\\" or NUL',
        message: `path '${path}' leaves the served folder or holds a character not allowed in a file path`,
      },
    ]);
  }
  // Any other 4xx a plugin or Fastify itself raises (a malformed URL, …) stays a 4xx of the error model.
  const status = fe.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const kind: ErrorKind =
      (Object.keys(STATUS_OF) as ErrorKind[]).find((k) => STATUS_OF[k] === status) ?? 'invalid';
    return new AppError(kind, storableText(String(fe.message ?? 'invalid request')).slice(0, 500));
  }
  return undefined;
}
