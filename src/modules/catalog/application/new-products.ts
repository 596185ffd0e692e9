import { randomUUID } from 'node:crypto';
import type { NewProduct, Product } from '../domain/product.js';

/** Products as first stored: a fresh id each, created (and last updated) at `now`. */
export const newProducts = (inputs: readonly NewProduct[], now: Date): Product[] =>
  inputs.map((input) => ({
    id: randomUUID(),
    ...input,
    description: input.description ?? null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  }));
