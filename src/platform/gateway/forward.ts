import type { Request, RequestHandler } from 'express';
import { currentContext, formatTraceparent } from '../context.js';
import { AppError } from '../errors.js';

/** Request headers the owning module needs; hop-by-hop and length headers are recomputed. */
const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'accept'];
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'location',
  'retry-after',
  'idempotent-replayed',
  'www-authenticate',
  'cache-control',
];
const TIMEOUT_MS = 10_000;

function outgoingHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.header(name);
    if (value !== undefined) headers[name] = value;
  }
  // The gateway is the edge: the module behind gets the client's address (login throttling is per
  // account and address), never an address the client claims.
  if (req.socket.remoteAddress) headers['x-forwarded-for'] = req.socket.remoteAddress;
  const context = currentContext();
  if (context) Object.assign(headers, { 'x-request-id': context.requestId, traceparent: formatTraceparent(context) });
  return headers;
}

export function forwardTo(
  baseUrls: string[],
  breaker: { fire<T>(call: () => Promise<T>): Promise<T> },
): RequestHandler {
  let next = 0;
  return async (req, res) => {
    const target = new URL(req.originalUrl, baseUrls[next++ % baseUrls.length]);
    const hasBody = req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD';
    const response = await breaker
      // Only an unreachable or silent module trips the breaker; its own answers (even 503) pass through.
      .fire(() =>
        fetch(target, {
          method: req.method,
          headers: outgoingHeaders(req),
          body: hasBody ? JSON.stringify(req.body) : undefined,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof AppError) throw error;
        throw new AppError('service_unavailable', `The service behind ${req.path} is unavailable`, {
          retryAfterSeconds: 5,
        });
      });
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    res.status(response.status).send(Buffer.from(await response.arrayBuffer()));
  };
}
