/** Internal DI tokens of the catalog module (contract tokens live in contract/). */

/** The module's own knex instance. */
export const CATALOG_KNEX = Symbol('CATALOG_KNEX');

/** The module's SqlRunner (fixed SQL for the checkout hot path). */
export const CATALOG_SQL = Symbol('CATALOG_SQL');

/** {@link CatalogSettings}. */
export const CATALOG_SETTINGS = Symbol('CATALOG_SETTINGS');

export interface CatalogSettings {
  reservationTtlMs: number;
}
