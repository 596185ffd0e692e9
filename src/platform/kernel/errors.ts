/** A machine code of the API (clients switch on it) with the HTTP status it maps to. */
export interface ErrorKind<C extends string = string> {
  readonly code: C;
  readonly status: number;
}

/**
 * The codes every module and the platform share, with their status. A module declares its own codes
 * in its contract ({@link defineErrors}); API.md lists them all.
 */
const GENERIC_STATUS = {
  validation_failed: 400,
  malformed_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  /** The resource's current state forbids the operation (cancelling a cancelled order, refunding a decline). */
  invalid_state: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  service_unavailable: 503,
  not_cached: 504,
} as const;

export type GenericErrorCode = keyof typeof GENERIC_STATUS;

/** Codes with their kind: a module's vocabulary (its own codes and the generic ones it fails with). */
export type ErrorVocabulary<C extends string = string> = { readonly [K in C]: ErrorKind<K> };

const kindsOf = <C extends string>(statuses: Readonly<Record<C, number>>): ErrorVocabulary<C> =>
  Object.fromEntries(Object.entries(statuses).map(([code, status]) => [code, { code, status }])) as ErrorVocabulary<C>;

export const GENERIC_ERRORS: ErrorVocabulary<GenericErrorCode> = kindsOf(GENERIC_STATUS);

/**
 * A module's error vocabulary, declared in its contract: its own codes with their status (none may
 * be a generic one) and the generic codes its operations also fail with. A remote caller rebuilds
 * exactly these codes as AppErrors; own codes are raised as `new AppError(USERS_ERRORS.email_taken, …)`.
 */
export const defineErrors = <const Own extends string = never, const Generic extends GenericErrorCode = never>(
  own: Readonly<Record<Own, number>> & { readonly [K in GenericErrorCode]?: never },
  generic: readonly Generic[] = [],
): ErrorVocabulary<Own | Generic> =>
  ({
    ...kindsOf(own),
    ...Object.fromEntries(generic.map((code) => [code, GENERIC_ERRORS[code]])),
  }) as ErrorVocabulary<Own | Generic>;

/** The kind `code` names in `vocabulary`; undefined for any other value (e.g. a code another process sent). */
export const errorKindIn = (vocabulary: ErrorVocabulary, code: unknown): ErrorKind | undefined =>
  typeof code === 'string' && Object.hasOwn(vocabulary, code) ? vocabulary[code] : undefined;

export interface FieldError {
  path: string;
  message: string;
}

const TITLES: Record<string, string> = {
  malformed_json: 'Malformed JSON',
  headers_too_large: 'Request header fields too large',
  rate_limited: 'Too many requests',
  not_cached: 'Not in the cache',
};

/** The problem's human title: the code in words unless it reads better otherwise. */
export const titleOf = (code: string): string =>
  TITLES[code] ?? code.charAt(0).toUpperCase() + code.slice(1).replaceAll('_', ' ');

export interface AppErrorOptions {
  errors?: FieldError[];
  retryAfterSeconds?: number;
  extra?: Record<string, unknown>;
}

/**
 * The one error type that crosses layers and processes: a stable `code` (clients switch on it) with
 * its status, a human `detail`, optional field errors, and how long to wait before retrying (rendered
 * at the edge as Retry-After), so no layer below http/ ever speaks in headers. A generic code is
 * given by name; a module's own by its kind from the module's vocabulary.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(
    kind: GenericErrorCode | ErrorKind,
    readonly detail: string,
    readonly options: AppErrorOptions = {},
  ) {
    super(detail);
    this.name = 'AppError';
    ({ code: this.code, status: this.status } = typeof kind === 'string' ? GENERIC_ERRORS[kind] : kind);
  }
}
