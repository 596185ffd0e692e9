import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { currentContext } from '../kernel/context.js';
import { AppError, titleOf } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The one 413 problem, whether a module's body parser or the gateway (which buffers bodies) refused the body. */
export const payloadTooLarge = (limitBytes: number): AppError =>
  new AppError('payload_too_large', `The request body exceeds the ${Math.round(limitBytes / 1000)} kB limit`);

/** The RFC 9457 body of an error, exactly as {@link sendProblem} writes it (idempotency replays store it). */
export function problemBody(error: AppError): Record<string, unknown> {
  const { errors, extra } = error.options;
  return {
    type: `/problems/${error.code.replaceAll('_', '-')}`,
    title: titleOf(error.code),
    status: error.status,
    detail: error.detail,
    code: error.code,
    traceId: currentContext()?.traceId,
    ...(errors ? { errors } : {}),
    ...extra,
  };
}

/** Writes the error as problem+json on any node response (express' included). */
export function sendProblem(res: ServerResponse, error: AppError): void {
  if (error.options.retryAfterSeconds !== undefined)
    res.setHeader('Retry-After', String(error.options.retryAfterSeconds));
  // RFC 6750: a 401 names the scheme the client must use.
  if (error.code === 'unauthorized') res.setHeader('WWW-Authenticate', 'Bearer');
  const body = JSON.stringify(problemBody(error));
  res.writeHead(error.status, {
    'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Errors express raises about the request itself, mapped to their API code: the body parser's carry
 * a `type`; the router's failure to decode a path parameter (`/products/%ZZ`) is a URIError with
 * status 400.
 */
function fromExpress(error: { type?: string; status?: number; limit?: number; errno?: unknown }): AppError | undefined {
  if (error instanceof URIError && error.status === 400)
    return new AppError('validation_failed', 'The request path is not valid percent-encoding');
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError('malformed_json', 'The request body is not valid JSON');
    case 'entity.too.large':
      return payloadTooLarge(error.limit ?? 0);
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'request.size.invalid':
    case 'request.aborted':
    case 'stream.encoding.set':
      return new AppError('validation_failed', 'The request body could not be read');
    default:
      // A corrupt gzip/deflate/br body fails in zlib: the parser passes zlib's error on with status 400 and no type.
      return error.status === 400 && typeof error.errno === 'number'
        ? new AppError('validation_failed', 'The request body could not be decompressed')
        : undefined;
  }
}

/** The one place where any error becomes an RFC 9457 response. Unknown errors are bugs: logged, 500. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known = error instanceof AppError ? error : fromExpress(error as { type?: string });
    if (known) {
      if (known.status >= 500)
        logger.warn({ code: known.code, detail: known.detail, path: req.path }, 'request failed');
      return sendProblem(res, known);
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    sendProblem(res, new AppError('internal_error', 'An unexpected error occurred; it has been logged'));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
