import type { InjectionToken } from 'tsyringe';
import type { Logger } from '../../../../platform/logger.js';
import type { LiveCheckouts } from '../live-checkouts.js';

export interface SagaSettings {
  /** An unfinished order untouched this long is presumed abandoned and recovered. */
  recoveryAfterMs: number;
  /** The catalog's reservation lifetime: charging after it has run out would only lead to a refund. */
  reservationTtlMs: number;
  /** How long an idempotency record is kept. */
  idempotencyTtlMs: number;
}

export const SAGA_SETTINGS: InjectionToken<SagaSettings> = Symbol('SAGA_SETTINGS');
/** The process-wide LiveCheckouts registry. */
export const LIVE_CHECKOUTS: InjectionToken<LiveCheckouts> = Symbol('LIVE_CHECKOUTS');
export const ORDERS_LOGGER: InjectionToken<Logger> = Symbol('ORDERS_LOGGER');
