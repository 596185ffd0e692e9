import { durationMs } from '../../platform/kernel/config-values.js';
import { defineSettings } from '../../platform/kernel/settings.js';
import { RESERVATION_TTL_VARIABLE } from '../catalog/contract/catalog.contract.js';

export interface OrdersSettings {
  /** How long the catalog holds a checkout's stock (RESERVATION_TTL): no charge after that. */
  reservationTtlMs: number;
  /** A checkout untouched for this long is presumed abandoned (its process died) and recovered (SAGA_RECOVERY_AFTER). */
  sagaRecoveryAfterMs: number;
}

/** The orders module's environment variables (README, Configuration). */
export const ordersSettings = defineSettings(
  'orders',
  { ...RESERVATION_TTL_VARIABLE, SAGA_RECOVERY_AFTER: durationMs.default(30_000) },
  (env): OrdersSettings => ({ reservationTtlMs: env.RESERVATION_TTL, sagaRecoveryAfterMs: env.SAGA_RECOVERY_AFTER }),
);

export const ORDERS_SETTINGS = ordersSettings.token;
