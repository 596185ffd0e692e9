import { z } from 'zod';
import { defineSettings } from '../../platform/kernel/settings.js';
import { RESERVATION_TTL_VARIABLE } from './contract/catalog.contract.js';

export interface CatalogSettings {
  /** How long a hold lasts uncommitted (RESERVATION_TTL). */
  reservationTtlMs: number;
  /** Seconds a public read may be served from a cache, the gateway's or a client's (CATALOG_MAX_AGE); 0: none. */
  maxAgeSeconds: number;
  /** Seed the demo products into an empty catalog at startup (SEED_DEMO_CATALOG). */
  seedDemoCatalog: boolean;
}

const MAX_AGE_ERROR = 'must be a whole number of seconds (0 turns caching off)';

/** The catalog's environment variables (README, Configuration). */
export const catalogSettings = defineSettings(
  'catalog',
  {
    ...RESERVATION_TTL_VARIABLE,
    CATALOG_MAX_AGE: z.coerce
      .number({ error: MAX_AGE_ERROR })
      .int(MAX_AGE_ERROR)
      .min(0, MAX_AGE_ERROR)
      .max(86_400, 'must be at most 86400 (a day)')
      .default(2),
    SEED_DEMO_CATALOG: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
  },
  (env): CatalogSettings => ({
    reservationTtlMs: env.RESERVATION_TTL,
    maxAgeSeconds: env.CATALOG_MAX_AGE,
    seedDemoCatalog: env.SEED_DEMO_CATALOG,
  }),
);

export const CATALOG_SETTINGS = catalogSettings.token;
