import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { schemaBreaks, type Direction } from '../../tools/contracts/schema-diff.js';
import { jsonSchema } from '../../tools/contracts/snapshot.js';

/** The findings of the differ on two zod fixtures, as `field: change` lines. */
const breaks = (before: z.ZodType, after: z.ZodType, direction: Direction) =>
  schemaBreaks(jsonSchema(before, direction), jsonSchema(after, direction), direction).map(
    ({ field, change }) => `${field}: ${change}`,
  );

const line = z.object({ productId: z.string().min(1), quantity: z.number().int().min(1).max(99) });
const reservation = z.object({ orderId: z.string(), lines: z.array(line).max(50) });

describe('an input (what old callers send, the new callee reads)', () => {
  it('breaks on a new required field, naming it inside the array', () => {
    const after = reservation.extend({ lines: z.array(line.extend({ unit: z.string() })).max(50) });
    expect(breaks(reservation, after, 'input')).toEqual(['lines[].unit: new required field']);
  });

  it('accepts a new optional field, or one with a default', () => {
    const after = reservation.extend({ note: z.string().optional(), priority: z.number().default(0) });
    expect(breaks(reservation, after, 'input')).toEqual([]);
  });

  it('breaks on an optional field made required', () => {
    const before = z.object({ note: z.string().optional() });
    expect(breaks(before, z.object({ note: z.string() }), 'input')).toEqual(['note: made required']);
  });

  it('breaks on a narrowed type: number to integer, nullable to not', () => {
    const before = z.object({ amount: z.number(), paymentId: z.string().nullable() });
    const after = z.object({ amount: z.number().int(), paymentId: z.string() });
    expect(breaks(before, after, 'input')).toEqual([
      'amount: type narrowed from number to integer',
      'paymentId: type narrowed from string|null to string',
    ]);
  });

  it('breaks on enum values removed, and accepts enum values added', () => {
    const before = z.object({ status: z.enum(['held', 'committed']) });
    expect(breaks(before, z.object({ status: z.enum(['held']) }), 'input')).toEqual([
      'status: enum values removed: "committed"',
    ]);
    expect(breaks(before, z.object({ status: z.enum(['held', 'committed', 'released']) }), 'input')).toEqual([]);
  });

  it('breaks on bounds tightened (minimum, maximum, array length) and accepts them loosened', () => {
    const after = z.object({
      orderId: z.string().min(3),
      lines: z.array(line.extend({ quantity: z.number().int().min(2).max(99) })).max(10),
    });
    expect(breaks(reservation, after, 'input')).toEqual([
      'orderId: minLength tightened from none to 3',
      'lines: maxItems tightened from 50 to 10',
      'lines[].quantity: minimum tightened from 1 to 2',
    ]);
    const looser = reservation.extend({ lines: z.array(line.extend({ quantity: z.number().int().min(0) })) });
    expect(breaks(reservation, looser, 'input')).toEqual([]);
  });

  it('breaks when an object becomes strict, since old callers may send fields it now refuses', () => {
    expect(breaks(z.object({ id: z.string() }), z.strictObject({ id: z.string() }), 'input')).toEqual([
      '(root): made strict: fields it does not declare are refused',
    ]);
  });
});

const snapshot = z.object({ id: z.string(), sku: z.string(), stock: z.number().int().nonnegative() });
const products = z.object({ products: z.array(snapshot) });

describe('an output (what the new callee sends, old callers read)', () => {
  it('breaks on a field removed, naming it inside the array', () => {
    const after = z.object({ products: z.array(snapshot.omit({ sku: true })) });
    expect(breaks(products, after, 'output')).toEqual(['products[].sku: removed']);
  });

  it('breaks on a field renamed, and guesses the new name', () => {
    const after = z.object({ products: z.array(snapshot.omit({ sku: true }).extend({ code: z.string() })) });
    expect(breaks(products, after, 'output')).toEqual(['products[].sku: removed (renamed to code?)']);
  });

  it('breaks on a field made optional or nullable', () => {
    const after = z.object({ products: z.array(snapshot.extend({ sku: z.string().optional() })) });
    expect(breaks(products, after, 'output')).toEqual(['products[].sku: made optional']);
    const nullable = z.object({ products: z.array(snapshot.extend({ sku: z.string().nullable() })) });
    expect(breaks(products, nullable, 'output')).toEqual(['products[].sku: type widened from string to string|null']);
  });

  it('breaks on a widened type or enum values added, and accepts them narrowed', () => {
    const before = z.object({ stock: z.number().int(), status: z.enum(['held', 'committed']) });
    const after = z.object({ stock: z.number(), status: z.enum(['held', 'committed', 'released']) });
    expect(breaks(before, after, 'output')).toEqual([
      'stock: type widened from integer to number',
      'status: enum values added: "released"',
    ]);
    expect(breaks(after, before, 'output')).toEqual([]);
  });

  it('breaks on a bound loosened: old callers were promised it', () => {
    const after = z.object({ products: z.array(snapshot.extend({ stock: z.number().int() })) });
    expect(breaks(products, after, 'output')).toEqual(['products[].stock: minimum loosened from 0 to none']);
  });

  it('accepts a new output field, required or optional', () => {
    const after = z.object({
      products: z.array(snapshot.extend({ available: z.boolean(), reservedUnits: z.number().optional() })),
    });
    expect(breaks(products, after, 'output')).toEqual([]);
  });
});

describe('alternatives (unions)', () => {
  it('breaks when a writer may send an alternative the reader has no place for', () => {
    const before = z.object({ id: z.union([z.string(), z.object({ sku: z.string() })]) });
    const after = z.object({ id: z.union([z.string(), z.object({ sku: z.string() }), z.number()]) });
    expect(breaks(before, after, 'output')).toEqual(['id: type widened from string to number']);
    expect(breaks(before, after, 'input')).toEqual([]);
  });
});
