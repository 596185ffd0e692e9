import type { ErrorCode } from '../../../platform/errors.js';

export const PAYMENTS_ERRORS = ['not_found', 'invalid_state'] as const satisfies readonly ErrorCode[];
