import { z } from 'zod';
import { defineEvent } from '../../../platform/kernel/event.js';

/** A new account exists (published once per account, after its row is committed). */
export const USER_REGISTERED = defineEvent(
  'user.registered',
  1,
  z.object({ userId: z.string(), email: z.email(), name: z.string(), registeredAt: z.string() }),
);
