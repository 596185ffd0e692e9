import { z } from 'zod';
import { defineContract } from '../../../platform/rpc/contract.js';
import { USERS_ERRORS } from './users.errors.js';
import { USERS_API } from './users.tokens.js';

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

export const usersContract = defineContract('users', USERS_API, usersOperations, USERS_ERRORS);
