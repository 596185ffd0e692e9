import type { InjectionToken } from 'tsyringe';
import { z } from 'zod';
import { defineErrors } from '../../../platform/kernel/errors.js';
import { defineContract, type ApiOf } from '../../../platform/kernel/contract.js';

// The users module's synchronous API: what other modules compile against and what the host serves
// in-process or over HTTP (schemas validate inputs either way).

export const userRole = z.enum(['customer', 'admin']);

/** A user as other modules see it (never a password hash). */
export const userView = z.object({
  id: z.string(),
  email: z.email(),
  name: z.string(),
  role: userRole,
  createdAt: z.string(),
});

export const usersOperations = {
  /** The user with this id; fails with `not_found` when there is none. */
  getUser: { input: z.object({ id: z.string().min(1) }), output: userView, idempotent: true },
};

/** Codes the users module fails with, and their status; a remote caller rebuilds an AppError with the same code. */
export const USERS_ERRORS = defineErrors({ email_taken: 409, invalid_credentials: 401 }, ['rate_limited', 'not_found']);
export type UsersErrorCode = keyof typeof USERS_ERRORS;

/** What other modules may ask the users module. */
export type UsersApi = ApiOf<typeof usersOperations>;
export type UserView = z.output<typeof userView>;

/** Resolves the users contract: in-process implementation or HTTP adapter, whichever is configured. */
export const USERS_API: InjectionToken<UsersApi> = Symbol('USERS_API');

/** What the host needs to serve this module's API to other processes, or to call it remotely. */
export const usersContract = defineContract('users', '1.0', USERS_API, usersOperations, USERS_ERRORS);
