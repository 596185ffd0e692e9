/** The machine codes of API.md, with the HTTP status each one maps to. */
export const ERROR_STATUS = {
  validation_failed: 400,
  malformed_json: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  payment_declined: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  email_taken: 409,
  sku_taken: 409,
  out_of_stock: 409,
  invalid_state: 409,
  idempotency_key_in_use: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unknown_product: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  service_unavailable: 503,
  not_cached: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  path: string;
  message: string;
}

const TITLES: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'Validation failed',
  malformed_json: 'Malformed JSON',
  invalid_credentials: 'Invalid credentials',
  payment_declined: 'Payment declined',
  out_of_stock: 'Out of stock',
  invalid_state: 'Invalid state',
  payload_too_large: 'Payload too large',
  headers_too_large: 'Request header fields too large',
  unknown_product: 'Unknown product',
  rate_limited: 'Too many requests',
  service_unavailable: 'Service unavailable',
  not_cached: 'Not in the cache',
};

export const titleOf = (code: ErrorCode): string =>
  TITLES[code] ?? code.charAt(0).toUpperCase() + code.slice(1).replaceAll('_', ' ');

/**
 * The one error type that crosses layers and processes: a stable `code` (clients switch on it),
 * a human `detail`, optional field errors, and how long to wait before retrying (rendered at the
 * edge as Retry-After), so no layer below http/ ever speaks in headers.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly options: { errors?: FieldError[]; retryAfterSeconds?: number; extra?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
