import { describe, expect, it } from 'vitest';
import { checkoutHeaders } from './orders.schemas.js';
import { idempotencyKeyOf } from './idempotency-key.js';

describe('Idempotency-Key header', () => {
  it('reads bare keys and Structured Field strings as the same key', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('8e03978e-40d5')).toBe('8e03978e-40d5');
    expect(idempotencyKeyOf('"8e03978e-40d5"')).toBe('8e03978e-40d5');
    expect(idempotencyKeyOf('"a \\"quoted\\" \\\\ key"')).toBe('a "quoted" \\ key');
    // Not a valid sf-string (a bare quote inside): taken literally.
    expect(idempotencyKeyOf('"a"b"')).toBe('"a"b"');
    expect(idempotencyKeyOf('""')).toBe('""');
  });

  it('accepts 1 to 255 printable ASCII characters', () => {
    const ok = (value: string) => checkoutHeaders.safeParse({ 'idempotency-key': value }).success;
    expect(ok('k')).toBe(true);
    expect(ok('x'.repeat(255))).toBe(true);
    expect(ok('x'.repeat(256))).toBe(false);
    expect(ok('')).toBe(false);
    expect(ok('tab\there')).toBe(false);
    expect(ok('naïve')).toBe(false);
    expect(checkoutHeaders.safeParse({}).success).toBe(true);
  });
});
