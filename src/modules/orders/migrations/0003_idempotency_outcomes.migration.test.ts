import knex from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { idempotencyKeysMigration } from './0002_idempotency_keys.migration.js';
import { idempotencyOutcomesMigration } from './0003_idempotency_outcomes.migration.js';

const db = knex({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
afterEach(() => db.destroy());

const record = (key: string, state: string, status: number | null, headers: object | null, body: object | null) => ({
  user_id: 'u-1',
  key,
  request_hash: 'h',
  order_id: `o-${key}`,
  state,
  response_status: status,
  response_headers: headers && JSON.stringify(headers),
  response_body: body && JSON.stringify(body),
  created_at: 1,
  expires_at: 2,
});

describe('0003: idempotency records keep outcomes, not rendered responses', () => {
  it('converts every completed record so a retry after the upgrade replays the same answer', async () => {
    await idempotencyKeysMigration.up(db);
    const order = { id: 'o-a', status: 'confirmed', totalCents: 500 };
    const declined = {
      type: '/problems/payment-declined',
      title: 'Payment declined',
      status: 402,
      detail: 'The payment was declined',
      code: 'payment_declined',
      traceId: 't-1',
      orderId: 'o-b',
    };
    const invalid = { ...declined, status: 400, code: 'validation_failed', errors: [{ path: 'x', message: 'y' }] };
    delete (invalid as Partial<typeof declined>).orderId;
    await db('idempotency_keys').insert([
      record('a', 'completed', 201, { Location: '/api/v1/orders/o-a' }, order),
      record('b', 'completed', 402, { 'Content-Type': 'application/problem+json' }, declined),
      record('c', 'completed', 400, { 'Retry-After': '3' }, invalid),
      record('d', 'in_flight', null, null, null),
    ]);
    await idempotencyOutcomesMigration.up(db);
    const rows = await db('idempotency_keys').orderBy('key');
    expect(rows.map((row) => [row.key, row.state, row.outcome && JSON.parse(row.outcome)])).toEqual([
      ['a', 'completed', { kind: 'placed', order }],
      [
        'b',
        'completed',
        {
          kind: 'refused',
          refusal: {
            code: 'payment_declined',
            detail: 'The payment was declined',
            extra: { orderId: 'o-b' },
            traceId: 't-1',
          },
        },
      ],
      [
        'c',
        'completed',
        {
          kind: 'refused',
          refusal: {
            code: 'validation_failed',
            detail: 'The payment was declined',
            errors: [{ path: 'x', message: 'y' }],
            retryAfterSeconds: 3,
            traceId: 't-1',
          },
        },
      ],
      ['d', 'in_flight', null],
    ]);
    expect(Object.keys(rows[0])).not.toContain('response_body');
    // The primary key survives the rebuild SQLite needs to drop columns.
    const {
      response_status: _s,
      response_headers: _h,
      response_body: _b,
      ...again
    } = record('a', 'in_flight', null, null, null);
    await expect(db('idempotency_keys').insert(again)).rejects.toThrow(/UNIQUE/);
  });
});
