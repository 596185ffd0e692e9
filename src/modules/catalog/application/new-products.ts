import { v7 as timeOrderedUuid } from 'uuid';
import type { NewProduct, Product } from '../domain/product.js';

/**
 * Products as first stored, created (and last updated) at `now`. Ids are time-ordered UUIDs (RFC 9562
 * version 7, increasing within a millisecond too), so products created together list in the order given.
 */
export const newProducts = (inputs: readonly NewProduct[], now: Date): Product[] =>
  inputs.map((input) => ({
    id: timeOrderedUuid(),
    ...input,
    description: input.description ?? null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  }));
