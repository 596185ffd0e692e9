import { z } from 'zod';

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
