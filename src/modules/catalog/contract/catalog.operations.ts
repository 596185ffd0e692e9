import { z } from 'zod';

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
