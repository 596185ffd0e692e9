import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, type ApiResponse } from '../support/http.js';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, ADMIN, type TestShop } from '../support/shop.js';
import { containsHash, forgedTokens, signWithRealKey, validClaims } from './users.helpers.js';

export interface Backend {
  /** Environment that points a shop at this backend's storage; the same env twice means the same data. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

const PASSWORD = 'correct-horse-1';
const count = async (query: PromiseLike<Array<Record<string, unknown>>>) => Number(Object.values((await query)[0])[0]);

/**
 * The users module's public behaviour over HTTP (API.md "Users"). Run once per database backend:
 * the same assertions must hold on SQLite and on PostgreSQL.
 */
export function usersHttpSuite(dialect: string, backend: () => Promise<Backend>, enabled = true): void {
  describe.skipIf(!enabled)(`users over HTTP on ${dialect}`, () => {
    let storage: Backend;
    let shop: TestShop;
    let alice: { id: string; email: string; token: string };
    const responses: unknown[] = [];
    const call: TestShop['request'] = async (...args) => {
      const response = await shop.request(...args);
      responses.push(response.body);
      return response;
    };
    const usersDb = () => moduleKnex(shop, 'users');

    beforeAll(async () => {
      storage = await backend();
      shop = await startTestShop(storage.env);
    });
    afterAll(async () => {
      await shop?.stop();
      await storage?.cleanup();
    });

    it('registers a customer with a lower-cased email, ignoring a role in the body, and publishes user.registered once', async () => {
      const registered = await call('POST', '/api/v1/auth/register', {
        body: { email: 'Alice@Example.COM', password: PASSWORD, name: '  Alice  ', role: 'admin' },
      });
      expect(registered.status).toBe(201);
      expect(registered.body).toEqual({
        id: expect.any(String),
        email: 'alice@example.com',
        name: 'Alice',
        role: 'customer',
        createdAt: expect.any(String),
      });
      expect(new Date(registered.body.createdAt).toISOString()).toBe(registered.body.createdAt);
      const login = await call('POST', '/api/v1/auth/login', {
        body: { email: 'ALICE@example.com', password: PASSWORD },
      });
      expect(login.status).toBe(200);
      expect(login.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
      expect(login.headers.get('cache-control')).toBe('no-store');
      alice = { id: registered.body.id, email: 'alice@example.com', token: login.body.accessToken };

      const events = await usersDb()('outbox').where({ name: 'user.registered' });
      const mine = events.map((row) => JSON.parse(row.envelope)).filter((event) => event.payload.userId === alice.id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        version: 1,
        source: 'users',
        payload: { email: 'alice@example.com', name: 'Alice', registeredAt: registered.body.createdAt },
      });
      // The relay picks it up from the outbox and marks it dispatched.
      await expect
        .poll(async () => (await usersDb()('outbox').where({ id: mine[0].id }).first()).dispatched_at, {
          timeout: 5000,
        })
        .not.toBeNull();
    });

    it('answers /users/me from the token, with the role from the account', async () => {
      const me = await call('GET', '/api/v1/users/me', { token: alice.token });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        id: alice.id,
        email: alice.email,
        name: 'Alice',
        role: 'customer',
        createdAt: expect.any(String),
      });
      expect(me.headers.get('x-powered-by')).toBeNull();
    });

    it('issues an EdDSA token with kid, iss, aud, sub, role and a 15-minute expiry, verifiable with the published JWKS', async () => {
      const jwks = await call('GET', '/.well-known/jwks.json');
      expect(jwks.status).toBe(200);
      expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
      expect(jwks.body.keys).toHaveLength(1);
      const [key] = jwks.body.keys;
      expect(key).toEqual({
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.any(String),
        kid: expect.any(String),
        alg: 'EdDSA',
        use: 'sig',
      });
      expect(key).not.toHaveProperty('d');
      const [header, payload] = alice.token
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
      expect(header).toMatchObject({ alg: 'EdDSA', kid: key.kid });
      expect(payload).toMatchObject({
        sub: alice.id,
        role: 'customer',
        iss: 'modular-shop/users',
        aud: 'modular-shop',
      });
      expect(payload.exp - payload.iat).toBe(900);
      const { createLocalJWKSet, jwtVerify } = await import('jose');
      await expect(
        jwtVerify(alice.token, createLocalJWKSet(jwks.body), { algorithms: ['EdDSA'] }),
      ).resolves.toBeTruthy();
    });

    it('refuses every forged, expired or tampered token with 401 unauthorized, yet accepts a correctly signed one', async () => {
      expect(
        (await call('GET', '/api/v1/users/me', { token: await signWithRealKey(shop, validClaims(alice.id)) })).status,
      ).toBe(200);
      const forged = await forgedTokens(shop, alice.id, alice.token);
      expect(Object.keys(forged).length).toBeGreaterThanOrEqual(15);
      for (const [kind, token] of Object.entries(forged)) {
        const response = await call('GET', '/api/v1/users/me', { token });
        expect({ kind, status: response.status, code: response.body.code }).toEqual({
          kind,
          status: 401,
          code: 'unauthorized',
        });
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
      }
      expectProblem(await call('GET', '/api/v1/users/me'), 401, 'unauthorized', { rfc9457: true });
    });

    it('rejects a second account for the same email in any casing with 409 email_taken, even when both race', async () => {
      const racing = await Promise.all(
        ['Race@example.com', 'race@EXAMPLE.com'].map((email) =>
          call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, name: 'Racer' } }),
        ),
      );
      expect(racing.map((response) => response.status).sort()).toEqual([201, 409]);
      expectProblem(
        racing.find((response) => response.status === 409)!,
        409,
        'email_taken',
        { rfc9457: true },
      );
      expect(
        await count(usersDb()('users').whereIn('email', ['alice@example.com', 'race@example.com']).count({ n: '*' })),
      ).toBe(2);
      const raceEvents = (await usersDb()('outbox').where({ name: 'user.registered' })).filter((row) =>
        row.envelope.includes('race@example.com'),
      );
      expect(raceEvents).toHaveLength(1);
    });

    it('validates register input: email format, password 8..256, name 1..100 without control characters', async () => {
      const cases = [
        { email: 'not-an-email', password: PASSWORD, name: 'X' },
        { email: 'short@example.com', password: '1234567', name: 'X' },
        { email: 'long@example.com', password: 'p'.repeat(257), name: 'X' },
        { email: 'noname@example.com', password: PASSWORD, name: '   ' },
        { email: 'longname@example.com', password: PASSWORD, name: 'n'.repeat(101) },
        { email: 'nul@example.com', password: PASSWORD, name: 'Nul\u0000Byte' },
      ];
      for (const body of cases) {
        const response = await call('POST', '/api/v1/auth/register', { body });
        expectProblem(response, 400, 'validation_failed', { rfc9457: true });
        expect(response.body.errors.length).toBeGreaterThan(0);
      }
      expect(await count(usersDb()('users').count({ n: '*' }))).toBe(3); // admin, alice, race
    });

    it('gives the same answer, in similar time, for an unknown email and a wrong password', async () => {
      const timed = async (email: string) => {
        const started = performance.now();
        const response = await call('POST', '/api/v1/auth/login', { body: { email, password: 'wrong-password' } });
        return { response, ms: performance.now() - started };
      };
      const wrongPassword: Awaited<ReturnType<typeof timed>>[] = [];
      const unknownEmail: Awaited<ReturnType<typeof timed>>[] = [];
      for (let round = 0; round < 2; round++) {
        // Unknown email first in one round, second in the other, so warm-up effects cancel out.
        if (round === 0) wrongPassword.push(await timed(alice.email));
        unknownEmail.push(await timed('nobody@example.com'));
        if (round === 1) wrongPassword.push(await timed(alice.email));
      }
      expectProblem(wrongPassword[0].response, 401, 'invalid_credentials', { rfc9457: true });
      const { traceId: _a, ...first } = wrongPassword[0].response.body;
      const { traceId: _b, ...second } = unknownEmail[0].response.body;
      expect(second).toEqual(first);
      const headerNames = (response: ApiResponse) =>
        [...response.headers.keys()].filter((name) => !['date', 'x-request-id'].includes(name));
      expect(headerNames(unknownEmail[0].response)).toEqual(headerNames(wrongPassword[0].response));
      // Both run one scrypt (~0.5 s); without the dummy hash the unknown email would answer in milliseconds.
      const fastest = (samples: { ms: number }[]) => Math.min(...samples.map((sample) => sample.ms));
      expect(fastest(unknownEmail)).toBeGreaterThan(fastest(wrongPassword) * 0.3);
    });

    it('stores passwords as scrypt$N$r$p$salt$hash with OWASP parameters, never in clear', async () => {
      const row = await usersDb()('users').where({ id: alice.id }).first();
      expect(row.password_hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
      expect(row.password_hash).not.toContain(PASSWORD);
    });

    it('answers the 6th failed login for one account from one address with 429 and Retry-After, even with the right password, also under concurrency', async () => {
      const registered = await call('POST', '/api/v1/auth/register', {
        body: { email: 'carol@example.com', password: PASSWORD, name: 'Carol' },
      });
      expect(registered.status).toBe(201);
      // Eight guesses at once: the count is taken before each check, so exactly five get through.
      const wrong = { email: 'carol@example.com', password: 'not-her-password' };
      const guesses = await Promise.all(
        Array.from({ length: 8 }, () => call('POST', '/api/v1/auth/login', { body: wrong })),
      );
      expect(guesses.map((response) => response.body.code).sort()).toEqual([
        ...Array(5).fill('invalid_credentials'),
        ...Array(3).fill('rate_limited'),
      ]);
      const rightPassword = await call('POST', '/api/v1/auth/login', {
        body: { email: 'carol@example.com', password: PASSWORD },
      });
      expectProblem(rightPassword, 429, 'rate_limited', { rfc9457: true });
      const retryAfter = Number(rightPassword.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(880);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expect(
        await count(usersDb()('login_failures').where({ email: 'carol@example.com' }).sum({ n: 'failures' })),
      ).toBe(9);

      // Another address, and another account from the same address, are not affected.
      const elsewhere = await shop.request('POST', '/api/v1/auth/login', {
        localAddress: '127.0.0.2',
        body: { email: 'carol@example.com', password: PASSWORD },
      });
      expect(elsewhere.status).toBe(200);
      expect(
        (await call('POST', '/api/v1/auth/login', { body: { email: alice.email, password: PASSWORD } })).status,
      ).toBe(200);
      const rows = await usersDb()('login_failures').where({ email: 'carol@example.com' });
      expect(rows.map((row) => [row.ip, Number(row.failures)])).toEqual([['127.0.0.1', 9]]);
    });

    it('forgets failed attempts after a successful login', async () => {
      const registered = await call('POST', '/api/v1/auth/register', {
        body: { email: 'dave@example.com', password: PASSWORD, name: 'Dave' },
      });
      expect(registered.status).toBe(201);
      expectProblem(
        await call('POST', '/api/v1/auth/login', { body: { email: 'dave@example.com', password: 'nope-nope' } }),
        401,
        'invalid_credentials',
        { rfc9457: true },
      );
      expect(await count(usersDb()('login_failures').where({ email: 'dave@example.com' }).sum({ n: 'failures' }))).toBe(
        1,
      );
      expect(
        (await call('POST', '/api/v1/auth/login', { body: { email: 'dave@example.com', password: PASSWORD } })).status,
      ).toBe(200);
      expect(await count(usersDb()('login_failures').where({ email: 'dave@example.com' }).count({ n: '*' }))).toBe(0);
    });

    it('bootstraps the configured admin, whose token passes admin checks', async () => {
      const token = await shop.adminToken();
      const me = await call('GET', '/api/v1/users/me', { token });
      expect(me.body).toMatchObject({ email: ADMIN.email, role: 'admin' });
      const [, payload] = token.split('.');
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString()).role).toBe('admin');
      expect(await count(usersDb()('users').where({ role: 'admin' }).count({ n: '*' }))).toBe(1);
    });

    it('serves getUser through the users contract, and not_found for an unknown id', async () => {
      const { USERS_API } = await import('../../src/modules/users/contract/users.contract.js');
      const api = shop.host.container.resolve(USERS_API);
      expect(await api.getUser({ id: alice.id })).toEqual({
        id: alice.id,
        email: alice.email,
        name: 'Alice',
        role: 'customer',
        createdAt: expect.any(String),
      });
      await expect(api.getUser({ id: 'no-such-user' })).rejects.toMatchObject({ code: 'not_found' });
      await expect(api.getUser({ id: 'nul\u0000id' })).rejects.toMatchObject({ code: 'not_found' });
    });

    it('keeps its signing key and users across a restart, and promotes an existing account named as admin', async () => {
      const jwksBefore = (await call('GET', '/.well-known/jwks.json')).body;
      await shop.stop();
      shop = await startTestShop({ ...storage.env, ADMIN_EMAIL: 'DAVE@example.com', ADMIN_PASSWORD: 'new-admin-pass' });
      expect((await call('GET', '/.well-known/jwks.json')).body).toEqual(jwksBefore);
      expect((await call('GET', '/api/v1/users/me', { token: alice.token })).body.id).toBe(alice.id);
      expectProblem(
        await call('POST', '/api/v1/auth/login', { body: { email: 'dave@example.com', password: PASSWORD } }),
        401,
        'invalid_credentials',
        { rfc9457: true },
      );
      const login = await call('POST', '/api/v1/auth/login', {
        body: { email: 'dave@example.com', password: 'new-admin-pass' },
      });
      expect(login.status).toBe(200);
      expect((await call('GET', '/api/v1/users/me', { token: login.body.accessToken })).body).toMatchObject({
        email: 'dave@example.com',
        role: 'admin',
      });
      expect(await count(usersDb()('users').where({ email: 'dave@example.com' }).count({ n: '*' }))).toBe(1);
      expect(await count(usersDb()('signing_keys').count({ n: '*' }))).toBe(1);
    });

    it('never returns a password hash in any response', () => {
      expect(responses.length).toBeGreaterThan(40);
      expect(responses.filter(containsHash)).toEqual([]);
    });
  });
}
