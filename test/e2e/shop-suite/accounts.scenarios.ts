import { expect } from 'vitest';
import { CUSTOMERS, problemStep, step, type Scenario, type ShopSession } from './session.js';

async function login(session: ShopSession, label: string, credentials: { email: string; password: string }) {
  const response = await step(session, label, 'POST', '/api/v1/auth/login', { body: credentials });
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) });
  return response.body.accessToken as string;
}

export const registerAndLogin: Scenario = async (session) => {
  for (const name of ['ada', 'bob'] as const) {
    const registered = await step(session, `register ${name}`, 'POST', '/api/v1/auth/register', {
      body: CUSTOMERS[name],
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ email: CUSTOMERS[name].email, role: 'customer' });
    session.users[name] = registered.body.id;
    session.tokens[name] = await login(session, `login ${name}`, CUSTOMERS[name]);
  }
  session.tokens.admin = await login(session, 'login admin', session.admin);

  const me = await step(session, 'ada reads herself', 'GET', '/api/v1/users/me', { token: session.tokens.ada });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ id: session.users.ada, name: CUSTOMERS.ada.name, role: 'customer' });
  const admin = await step(session, 'admin reads himself', 'GET', '/api/v1/users/me', { token: session.tokens.admin });
  expect(admin.body).toMatchObject({ email: session.admin.email, role: 'admin' });
  // RFC 9110 §11.1: the scheme is case-insensitive, through the gateway as in the monolith.
  const lowerCase = await step(session, "ada reads herself with 'bearer'", 'GET', '/api/v1/users/me', {
    headers: { authorization: `bearer ${session.tokens.ada}` },
  });
  expect([lowerCase.status, lowerCase.body.id]).toEqual([200, session.users.ada]);
};

export const rejectsBadAccounts: Scenario = async (session) => {
  await problemStep(
    session,
    'register ada again',
    ['POST', '/api/v1/auth/register', { body: { ...CUSTOMERS.ada, name: 'Ada Again' } }],
    409,
    'email_taken',
  );
  const short = await problemStep(
    session,
    'register with a 7-character password',
    ['POST', '/api/v1/auth/register', { body: { email: 'eve@shop.test', password: 'seven77', name: 'Eve' } }],
    400,
    'validation_failed',
  );
  expect(short.body.errors.map((error: { path: string }) => error.path)).toEqual(['password']);
  await problemStep(
    session,
    'login with a wrong password',
    ['POST', '/api/v1/auth/login', { body: { email: CUSTOMERS.ada.email, password: 'wrong-password' } }],
    401,
    'invalid_credentials',
  );
  await problemStep(session, 'me without a token', ['GET', '/api/v1/users/me'], 401, 'unauthorized');
  await problemStep(
    session,
    'me with a forged token',
    ['GET', '/api/v1/users/me', { token: `${session.tokens.ada.slice(0, -4)}AAAA` }],
    401,
    'unauthorized',
  );
};
