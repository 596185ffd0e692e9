import { describe, expect, it } from 'vitest';
import { MODULES } from '../../src/main.js';
import { GENERIC_ERRORS } from '../../src/platform/kernel/errors.js';

/** The machine codes clients switch on, with their status: API.md's table, and the edge's 431 and 504. */
const API_CODES = {
  validation_failed: 400,
  malformed_json: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  payment_declined: 402,
  forbidden: 403,
  not_found: 404,
  email_taken: 409,
  sku_taken: 409,
  out_of_stock: 409,
  invalid_state: 409,
  idempotency_key_in_use: 409,
  payload_too_large: 413,
  unknown_product: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  headers_too_large: 431,
  service_unavailable: 503,
  not_cached: 504,
};

describe('the error codes, declared by the platform (generic ones) and by each module (in its contract)', () => {
  const declarations = [
    { owner: 'platform', kinds: Object.values(GENERIC_ERRORS) },
    ...MODULES.flatMap(({ name, contract }) =>
      contract ? [{ owner: name, kinds: Object.values(contract.errors) }] : [],
    ),
  ];

  it('give every code one status, wherever it is declared', () => {
    const statuses = new Map<string, Set<number>>();
    for (const { kinds } of declarations)
      for (const { code, status } of kinds) statuses.set(code, (statuses.get(code) ?? new Set()).add(status));
    const ambiguous = [...statuses].filter(([, set]) => set.size > 1).map(([code]) => code);
    expect(ambiguous).toEqual([]);
  });

  it('together are the codes of API.md with their status (and the 405, 415 and 500 of the HTTP layer)', () => {
    const table = Object.fromEntries(
      declarations.flatMap(({ kinds }) => kinds.map(({ code, status }) => [code, status])),
    );
    expect(table).toEqual({ ...API_CODES, method_not_allowed: 405, unsupported_media_type: 415, internal_error: 500 });
  });

  it('leave the platform only the generic ones, each module its own', () => {
    const own = Object.fromEntries(
      declarations.map(({ owner, kinds }) => [
        owner,
        kinds.map(({ code }) => code).filter((code) => owner === 'platform' || !Object.hasOwn(GENERIC_ERRORS, code)),
      ]),
    );
    expect(own).toEqual({
      platform: [
        'validation_failed',
        'malformed_json',
        'unauthorized',
        'forbidden',
        'not_found',
        'method_not_allowed',
        'invalid_state',
        'payload_too_large',
        'unsupported_media_type',
        'rate_limited',
        'headers_too_large',
        'internal_error',
        'service_unavailable',
        'not_cached',
      ],
      users: ['email_taken', 'invalid_credentials'],
      catalog: ['out_of_stock', 'unknown_product', 'sku_taken'],
      // A checkout passes the catalog's refusals on as they are.
      orders: [
        'payment_declined',
        'idempotency_key_in_use',
        'idempotency_key_reused',
        'out_of_stock',
        'unknown_product',
      ],
      // Its charge in progress at the provider: the same code and status as orders' key in use.
      payments: ['idempotency_key_in_use'],
    });
  });
});
