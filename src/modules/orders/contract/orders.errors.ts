import type { ErrorCode } from '../../../platform/errors.js';

export const ORDERS_ERRORS = [
  'out_of_stock',
  'unknown_product',
  'payment_declined',
  'invalid_state',
  'idempotency_key_in_use',
  'idempotency_key_reused',
  'not_found',
] as const satisfies readonly ErrorCode[];
