import { z } from 'zod';
import { NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../domain/user.js';

const email = z.email().max(254);

/** Unknown keys (e.g. `role`) are stripped: nobody chooses their own role. */
export const registerBody = z.object({
  email,
  password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH),
  // Control characters (NUL above all, which PostgreSQL text refuses) have no place in a display name.
  name: z
    .string()
    .trim()
    .min(1)
    .max(NAME_MAX_LENGTH)
    .regex(/^[^\p{Cc}\p{Cs}]*$/u, 'must not contain control characters'),
});

// No minimum beyond "not empty": the policy applies when a password is chosen, not when it is typed.
export const loginBody = z.object({
  email,
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

export const accessTokenGrant = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
});

export const jsonWebKeySet = z.object({
  keys: z.array(
    z.object({
      kty: z.string(),
      crv: z.string(),
      x: z.string(),
      kid: z.string(),
      alg: z.string(),
      use: z.literal('sig'),
    }),
  ),
});
