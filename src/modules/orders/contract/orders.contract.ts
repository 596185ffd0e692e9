import type { InjectionToken } from 'tsyringe';
import { z } from 'zod';
import { defineErrors } from '../../../platform/kernel/errors.js';
import { CATALOG_ERRORS } from '../../catalog/contract/catalog.contract.js';
import { defineContract, type ApiOf } from '../../../platform/kernel/contract.js';

// The orders module's synchronous API: what other modules compile against and what the host serves
// in-process or over HTTP (schemas validate inputs either way).

export const orderStatus = z.enum(['confirmed', 'payment_pending', 'payment_failed', 'cancelled']);

export const orderLine = z.object({
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  unitPriceCents: z.number().int(),
  quantity: z.number().int(),
  lineTotalCents: z.number().int(),
});

export const orderView = z.object({
  id: z.string(),
  userId: z.string(),
  status: orderStatus,
  items: z.array(orderLine),
  totalCents: z.number().int(),
  currency: z.string(),
  paymentId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ordersOperations = {
  /** The order with this id (any owner); fails with `not_found`. */
  getOrder: { input: z.object({ id: z.string().min(1) }), output: orderView, idempotent: true },
};

/** Codes the orders module fails with, and their status; a remote caller rebuilds an AppError with the same code. */
export const ORDERS_ERRORS = {
  ...defineErrors({ payment_declined: 402, idempotency_key_in_use: 409, idempotency_key_reused: 422 }, [
    'invalid_state',
    'not_found',
  ]),
  // A checkout passes the catalog's refusals on as they are.
  out_of_stock: CATALOG_ERRORS.out_of_stock,
  unknown_product: CATALOG_ERRORS.unknown_product,
};
export type OrdersErrorCode = keyof typeof ORDERS_ERRORS;

/** What other modules may ask the orders module. */
export type OrdersApi = ApiOf<typeof ordersOperations>;
export type OrderView = z.output<typeof orderView>;

/** Resolves the orders contract: in-process implementation or HTTP adapter, whichever is configured. */
export const ORDERS_API: InjectionToken<OrdersApi> = Symbol('ORDERS_API');

/** What the host needs to serve this module's API to other processes, or to call it remotely. */
export const ordersContract = defineContract('orders', '1.1', ORDERS_API, ordersOperations, ORDERS_ERRORS);
