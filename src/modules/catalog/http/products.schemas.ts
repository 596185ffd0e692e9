import { z } from 'zod';
import { pageQuery } from '../../../platform/http/pagination.js';
import { PRODUCT_LIMITS as L } from '../domain/product.js';

const sku = z
  .string()
  .regex(L.skuPattern, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
const name = z.string().trim().min(1, 'must not be empty').max(L.nameMaxLength);
const description = z.string().max(L.descriptionMaxLength).nullable();
const priceCents = z.number().int().min(0).max(L.maxPriceCents);
const currency = z.string().regex(L.currencyPattern, 'must be an ISO 4217 code in capitals, e.g. "USD"');
const stock = z.number().int().min(0).max(L.maxStock);

export const productView = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  priceCents: z.number().int(),
  currency: z.string(),
  /** Units that can still be bought: on hand minus held by reservations. */
  stock: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const conditionalReadHeaders = z.object({
  'if-none-match': z
    .string()
    .max(1000)
    .optional()
    .describe('ETag of a representation the client holds: 304 without a body while it is current'),
});

export const productParams = z.object({ id: z.string().min(1).max(200) });

export const listProductsQuery = pageQuery.extend({
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .describe(
      'case-insensitive part of the name or the sku (3 characters or more); 1 or 2 letters or digits match the start of a word',
    ),
});

export const createProductBody = z.object({
  sku,
  name,
  description: description.optional(),
  priceCents,
  currency,
  stock,
});

/** Products per batch, and the body size that lets a full batch with long descriptions through. */
export const BATCH = { maxProducts: 1000, bodyLimitBytes: 1_000_000 } as const;

export const createProductsBody = z.object({
  products: z.array(createProductBody).min(1).max(BATCH.maxProducts),
});

export const createdProductsView = z.object({
  created: z.number().int(),
  /** The new products' ids, in the order they were given. */
  ids: z.array(z.string()),
});

// Strict: a PATCH carrying `stock` or `sku` is a mistake worth reporting, not a field to drop silently.
export const updateProductBody = z
  .strictObject({ name: name.optional(), description: description.optional(), priceCents: priceCents.optional() })
  .refine(
    (body) => Object.values(body).some((value) => value !== undefined),
    'send at least one of name, description, priceCents',
  );

export const restockBody = z.object({ quantity: z.number().int().min(1).max(L.maxStock) });
