import { defineRoute, type AnyRoute } from '../../../platform/kernel/route.js';
import { JWKS_PATH } from '../../../platform/http/jwt.js';
import { GetUserHandler } from '../application/get-user.handler.js';
import { LogInHandler } from '../application/log-in.handler.js';
import { ACCESS_TOKENS } from '../application/ports/access-tokens.port.js';
import { RegisterUserHandler } from '../application/register-user.handler.js';
import { userView } from '../contract/users.contract.js';
import { accessTokenGrant, jsonWebKeySet, loginBody, registerBody } from './users.schemas.js';

// Tokens and personal data must not be kept by shared caches (RFC 6749 5.1).
const NO_STORE = { 'Cache-Control': 'no-store' };

export const usersRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/register',
    summary: 'Register a customer account',
    tags: ['users'],
    access: 'public',
    body: registerBody,
    responses: { 201: userView },
    handler: async ({ body, container }) => ({
      status: 201,
      body: await container.resolve(RegisterUserHandler).execute(body),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Exchange email and password for an access token (throttled per account and address)',
    tags: ['users'],
    access: 'public',
    body: loginBody,
    responses: { 200: accessTokenGrant },
    handler: async ({ body, ip, container }) => ({
      status: 200,
      body: await container.resolve(LogInHandler).execute({ ...body, ip }),
      headers: NO_STORE,
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/users/me',
    summary: 'The signed-in user',
    tags: ['users'],
    access: 'user',
    responses: { 200: userView },
    handler: async ({ principal, container }) => ({
      status: 200,
      body: await container.resolve(GetUserHandler).execute(principal!.userId),
      headers: NO_STORE,
    }),
  }),
  defineRoute({
    method: 'get',
    path: JWKS_PATH,
    summary: 'Public keys that verify access tokens (JWKS)',
    tags: ['users'],
    access: 'public',
    responses: { 200: jsonWebKeySet },
    handler: ({ container }) => ({
      status: 200,
      body: container.resolve(ACCESS_TOKENS).publicKeys(),
      headers: { 'Cache-Control': 'public, max-age=300' },
    }),
  }),
];
