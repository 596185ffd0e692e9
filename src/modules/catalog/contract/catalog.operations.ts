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
  getProducts: { input: z.object({ ids: z.array(z.string().min(1)).min(1).max(100) }), output: z.object({ products: z.array(productSnapshot) }), idempotent: true },
  /**
   * Holds stock for every line of an order, all or nothing, in one transaction with conditional
   * updates (never negative, never oversold). Idempotent by orderId: a second call returns the
   * existing reservation. Fails with `out_of_stock` or `unknown_product`, holding nothing.
   */
  reserve: { input: byOrder.extend({ lines: z.array(reservationLine).min(1).max(50) }), output: reservationState, idempotent: true },
  /** Makes a held reservation permanent (the sale happened). Idempotent; `invalid_state` if already released. */
  commitReservation: { input: byOrder, output: reservationState, idempotent: true },
  /**
   * Gives back everything the order's reservation took: held units (compensation) or committed
   * units (order cancelled). Idempotent; a missing reservation counts as released.
   */
  releaseReservation: { input: byOrder, output: reservationState, idempotent: true },
};

