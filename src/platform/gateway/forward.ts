import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Request, RequestHandler, Response } from 'express';
import type { Dispatcher } from 'undici';
import { injectTraceHeaders } from '../kernel/context.js';
import { AppError } from '../kernel/errors.js';
import { BODY_LIMIT } from '../http/app.js';
import { payloadTooLarge } from '../http/problem.js';
import type { Upstream } from '../discovery/upstream.js';

/** Request headers the owning module needs; hop-by-hop headers are the connection's own. */
const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'accept', 'if-none-match'];
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'location',
  'retry-after',
  'idempotent-replayed',
  'www-authenticate',
  'cache-control',
  'etag',
];

export function outgoingHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.header(name);
    if (value !== undefined) headers[name] = value;
  }
  // The gateway is the edge: the module behind gets the client's address (login throttling is per
  // account and address), never an address the client claims; req.ip believes only TRUSTED_PROXIES.
  const client = req.ip ?? req.socket.remoteAddress;
  if (client) headers['x-forwarded-for'] = client;
  return injectTraceHeaders(headers);
}

/**
 * The request body as bytes, never parsed (the module validates its own input). It is read first,
 * up to the limit, rather than streamed: bodies are small, an oversized one is refused here with
 * 413, and a request whose instance turns out to be dead can still be sent to the next one (undici
 * destroys a streamed body with the connection error).
 */
async function bodyOf(req: Request, limit: number): Promise<Buffer | undefined> {
  const length = req.header('content-length');
  if (length === undefined && req.header('transfer-encoding') === undefined) return undefined;
  if (length !== undefined && Number(length) > limit) throw payloadTooLarge(limit);
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limit) throw payloadTooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function copyResponseHeaders(from: IncomingHttpHeaders, to: Parameters<RequestHandler>[1]): void {
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = from[name];
    if (value !== undefined) to.setHeader(name, value);
  }
}

/**
 * Sends the client's request to an instance of the module with `headers`. Only an unreachable or
 * silent module counts against its instance (503 here); its own answers (even 503) are returned.
 */
export async function callModule(
  upstream: Upstream,
  req: Request,
  headers: Record<string, string>,
  bodyLimit = BODY_LIMIT,
): Promise<Dispatcher.ResponseData> {
  const body = await bodyOf(req, bodyLimit);
  if (body) headers['content-length'] = String(body.length);
  try {
    return await upstream.request({
      method: req.method as Dispatcher.HttpMethod,
      path: req.originalUrl,
      headers,
      body,
      idempotent: req.method === 'GET' || req.method === 'HEAD',
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('service_unavailable', `The service behind ${req.path} is unavailable`, {
      retryAfterSeconds: 5,
    });
  }
}

/** The module's answer, unchanged: status, the forwarded headers, and the body streamed as it comes. */
export function relayAnswer(response: Dispatcher.ResponseData, res: Response): Promise<void> {
  copyResponseHeaders(response.headers, res);
  res.status(response.statusCode);
  return relay(response.body, res);
}

/** Proxies a public route to an instance of the module that owns it. */
export function forwardTo(upstream: Upstream, bodyLimit = BODY_LIMIT): RequestHandler {
  return async (req, res) => relayAnswer(await callModule(upstream, req, outgoingHeaders(req), bodyLimit), res);
}

/**
 * Streams the module's answer to the client. `pipe` rather than `stream.pipeline`, which builds
 * and aborts an AbortController per call: on a hop this small that costs more than the copy.
 */
function relay(body: Readable, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    body.once('error', (error) => {
      res.destroy(error);
      reject(error);
    });
    // The client went away first: free the connection to the module too.
    res.once('close', () => {
      if (!body.readableEnded) body.destroy();
      resolve();
    });
    body.pipe(res);
  });
}
