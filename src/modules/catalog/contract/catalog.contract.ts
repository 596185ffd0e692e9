import type { InjectionToken } from 'tsyringe';
import { z } from 'zod';
import { defineErrors } from '../../../platform/kernel/errors.js';
import { defineContract, type ApiOf } from '../../../platform/kernel/contract.js';
import { durationMs } from '../../../platform/kernel/config-values.js';

// The catalog module's synchronous API: what other modules compile against and what the host serves
// in-process or over HTTP (schemas validate inputs either way).

/** What checkout needs to price a line: the catalog is the only source of prices. */
export const productSnapshot = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  priceCents: z.number().int().nonnegative(),
  currency: z.string().length(3),
  /** Units that can still be reserved. */
  stock: z.number().int().nonnegative(),
});

export const reservationLine = z.object({ productId: z.string().min(1), quantity: z.number().int().min(1) });

const byOrder = z.object({ orderId: z.string().min(1) });
const reservationState = z.object({ orderId: z.string(), status: z.enum(['held', 'committed', 'released']) });

export const catalogOperations = {
  /** Snapshots of the products that exist among `ids` (unknown ids are simply absent). */
  getProducts: {
    input: z.object({ ids: z.array(z.string().min(1)).min(1).max(100) }),
    output: z.object({ products: z.array(productSnapshot) }),
    idempotent: true,
  },
  /**
   * Holds stock for every line of an order, all or nothing, in one transaction with conditional
   * updates (never negative, never oversold). Lines naming the same product are added up.
   * Idempotent by orderId: a second call (even a concurrent one) takes nothing and returns the
   * existing reservation's status, which is `released` when the order was released before (then
   * nothing is held: a late reserve cannot resurrect a compensated order). Fails with
   * `unknown_product` (any line names a product that does not exist; checked first) or
   * `out_of_stock`, holding nothing; the detail names the product. A hold not
   * committed within RESERVATION_TTL is released by the catalog's sweeper.
   */
  reserve: {
    input: byOrder.extend({ lines: z.array(reservationLine).min(1).max(50) }),
    output: reservationState,
    idempotent: true,
  },
  /**
   * Makes a held reservation permanent (the sale happened). Idempotent (`committed` again);
   * `invalid_state` when it was released (expired or compensated): the caller must then undo the sale;
   * `not_found` when no reservation exists for the order.
   */
  commitReservation: { input: byOrder, output: reservationState, idempotent: true },
  /**
   * Gives back everything the order's reservation took: held units (compensation) or committed
   * units (order cancelled: this is how a cancelled order is restocked). Idempotent: units are
   * returned once, however often it is called. A missing reservation counts as released and is
   * recorded as such, so a reserve for that order arriving later holds nothing.
   */
  releaseReservation: { input: byOrder, output: reservationState, idempotent: true },
};

/** Codes the catalog module fails with, and their status; a remote caller rebuilds an AppError with the same code. */
export const CATALOG_ERRORS = defineErrors({ out_of_stock: 409, unknown_product: 422, sku_taken: 409 }, [
  'invalid_state',
  'not_found',
]);
export type CatalogErrorCode = keyof typeof CATALOG_ERRORS;

/**
 * RESERVATION_TTL (ms, default 15 min): a hold not committed within it is released by the catalog's
 * sweeper. Orders reads the same variable so as never to charge for a hold that may have lapsed.
 */
export const RESERVATION_TTL_VARIABLE = { RESERVATION_TTL: durationMs.default(15 * 60_000) };

/** Products and stock reservations, as the orders module uses them. */
export type CatalogApi = ApiOf<typeof catalogOperations>;
export type ProductSnapshot = z.output<typeof productSnapshot>;
export type ReservationLine = z.output<typeof reservationLine>;

/** Resolves the catalog contract: in-process implementation or HTTP adapter, whichever is configured. */
export const CATALOG_API: InjectionToken<CatalogApi> = Symbol('CATALOG_API');

/** What the host needs to serve this module's API to other processes, or to call it remotely. */
export const catalogContract = defineContract('catalog', '1.0', CATALOG_API, catalogOperations, CATALOG_ERRORS);
