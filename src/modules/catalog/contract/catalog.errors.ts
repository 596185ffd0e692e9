import type { ErrorCode } from '../../../platform/errors.js';

export const CATALOG_ERRORS = [
  'out_of_stock',
  'unknown_product',
  'invalid_state',
  'sku_taken',
  'not_found',
] as const satisfies readonly ErrorCode[];
