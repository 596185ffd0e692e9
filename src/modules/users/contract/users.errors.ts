import type { ErrorCode } from '../../../platform/errors.js';

/** Codes the users module fails with; a remote caller rebuilds an AppError with the same code. */
export const USERS_ERRORS = [
  'email_taken',
  'invalid_credentials',
  'rate_limited',
  'not_found',
] as const satisfies readonly ErrorCode[];
