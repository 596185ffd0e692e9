import type { Request, RequestHandler } from 'express';
import { decodeJwt } from 'jose';
import { runForClient } from '../resilience/client-share.js';
import { bearerToken } from './auth.js';

/**
 * Names the client of each request at the edge, for the bulkheads' fair shares: the user its bearer
 * token names (`user:<sub>`), else its address (`address:<ip>`, the socket's unless TRUSTED_PROXIES
 * names the proxy). The token is decoded here, not verified: the name only decides whose share a
 * call counts against, never what it may do, and the module that owns the route verifies the token
 * before any work. A forged or expired token is refused there at once, so a call under a made-up
 * name holds its place for a round trip only; made-up names cannot be used to keep places, and
 * verifying here as well would cost a signature check (or the users module's keys) per new token.
 */
export const identifyClient: RequestHandler = (req, _res, next) => runForClient(clientOf(req), next);

function clientOf(req: Request): string {
  const token = bearerToken(req.header('authorization'));
  const user = token ? subjectOf(token) : undefined;
  return user ? `user:${user}` : `address:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}

function subjectOf(token: string): string | undefined {
  try {
    const { sub } = decodeJwt(token);
    return typeof sub === 'string' && sub.length > 0 ? sub : undefined;
  } catch {
    return undefined;
  }
}
