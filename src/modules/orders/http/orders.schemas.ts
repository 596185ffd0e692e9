import { z } from 'zod';

export const MAX_LINES = 50;
/** Per line; a cap that keeps totals far from integer overflow and stops absurd carts early. */
export const MAX_QUANTITY = 1000;

export const placeOrderBody = z.object({
  items: z
    .array(z.object({ productId: z.string().min(1).max(100), quantity: z.number().int().min(1).max(MAX_QUANTITY) }))
    .min(1)
    .max(MAX_LINES),
  paymentMethod: z.object({ token: z.string().min(1).max(255) }),
});

/** Printable ASCII (draft-ietf-httpapi-idempotency-key-header: an sf-string, quoted or not). */
export const checkoutHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x20-\x7E]{1,255}$/, 'must be 1 to 255 printable ASCII characters')
    .optional()
    .describe('Makes the checkout safe to retry: the same key with the same body replays the first response (24 h)'),
});

export const orderIdParams = z.object({ id: z.string().min(1).max(100) });
