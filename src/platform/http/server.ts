import { randomBytes } from 'node:crypto';
import {
  createServer,
  maxHeaderSize,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { newRequestId } from '../kernel/context.js';
import { AppError } from '../kernel/errors.js';
import { PROBLEM_CONTENT_TYPE, problemBody } from './problem.js';

/**
 * A problem written on the raw socket, for a request node refused before it became one (no headers
 * were parsed, so no trace was continued): it gets a trace id and a request id of its own.
 */
function rawProblem(error: AppError): string {
  const body = JSON.stringify({ ...problemBody(error), traceId: randomBytes(16).toString('hex') });
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${newRequestId()}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

const headersTooLarge = () =>
  new AppError('headers_too_large', `The request line and header fields exceed ${maxHeaderSize} bytes`);
const unparsable = () => new AppError('validation_failed', 'The request is not valid HTTP/1.1');

/**
 * Starts serving; requests node rejects before express sees them (oversized headers) still get
 * problem+json. `ahead` may take a request first (module-to-module calls) and return true.
 */
export async function listen(
  app: Express,
  port: number,
  ahead?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (!ahead?.(req, res)) app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Longer than any load balancer's idle timeout, so it never closes a connection the balancer reuses.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    socket.end(rawProblem(error.code === 'HPE_HEADER_OVERFLOW' ? headersTooLarge() : unparsable()));
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * Stops accepting, lets in-flight requests finish, and closes keep-alive connections as soon as
 * they are idle: a connection whose request finishes during the drain would otherwise stay open
 * and hold the close (and the process) until the client drops it.
 */
export const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearInterval(sweeper);
      resolve();
    });
    server.closeIdleConnections();
  });
