import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { currentClient } from '../resilience/client-share.js';
import { identifyClient } from './client-identity.js';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT as the gateway sees it: claims readable, signature not checked (the module checks it). */
const jwt = (claims: object) => `${base64url({ alg: 'EdDSA' })}.${base64url(claims)}.c2lnbmF0dXJl`;

/** The client the middleware names for a request with this Authorization header, from 203.0.113.7. */
function clientFor(authorization?: string): string | undefined {
  const req = {
    ip: '203.0.113.7',
    socket: {},
    header: (name: string) => (name.toLowerCase() === 'authorization' ? authorization : undefined),
  } as unknown as Request;
  let named: string | undefined;
  identifyClient(req, {} as never, () => (named = currentClient()));
  return named;
}

describe('identifyClient', () => {
  it('names the user of a bearer token, whatever the case of the scheme', () => {
    expect(clientFor(`Bearer ${jwt({ sub: 'user-1', role: 'customer' })}`)).toBe('user:user-1');
    expect(clientFor(`bearer ${jwt({ sub: 'user-1' })}`)).toBe('user:user-1');
  });

  it.each([
    ['no Authorization', undefined],
    ['another scheme', `Basic ${jwt({ sub: 'user-1' })}`],
    ['a token that is no JWT', 'Bearer not-a-jwt'],
    ['a JWT without sub', `Bearer ${jwt({ role: 'admin' })}`],
    ['a JWT whose sub is no string', `Bearer ${jwt({ sub: 42 })}`],
  ])('names the address for %s', (_label, authorization) => {
    expect(clientFor(authorization)).toBe('address:203.0.113.7');
  });

  it('leaves no client behind for what runs outside the request', () => {
    clientFor(`Bearer ${jwt({ sub: 'user-1' })}`);
    expect(currentClient()).toBeUndefined();
  });
});
