import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

const problemLine = (status: number, title: string, code: string) => {
  const body = JSON.stringify({ type: `/problems/${code.replaceAll('_', '-')}`, title, status, code, detail: title });
  return `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
};

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
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    socket.end(
      tooLarge
        ? problemLine(431, 'Request Header Fields Too Large', 'validation_failed')
        : problemLine(400, 'Bad Request', 'validation_failed'),
    );
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
