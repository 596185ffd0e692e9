import { cutoff, housekeepingTask } from '../../platform/db/housekeeping.js';
import { defineModule } from '../../platform/kernel/module.js';
import { CatalogApiService } from './application/catalog-api.service.js';
import { INVENTORY, type Inventory } from './application/ports/inventory.port.js';
import { PRODUCTS_REPOSITORY } from './application/ports/products.repository.port.js';
import { ReleaseLapsedHoldsHandler } from './application/release-lapsed-holds.handler.js';
import { SeedDemoCatalogHandler } from './application/seed-demo-catalog.handler.js';
import { catalogSettings } from './catalog.settings.js';
import { CATALOG_API, catalogContract } from './contract/catalog.contract.js';
import { sweepIntervalMs } from './domain/reservation.js';
import { productsRoutes } from './http/products.routes.js';
import { InventorySqlRepository } from './infrastructure/inventory.sql-repository.js';
import { ProductsKnexRepository } from './infrastructure/products.knex-repository.js';
import { productsMigration } from './migrations/0001_products.migration.js';
import { reservationsMigration } from './migrations/0002_reservations.migration.js';
import { productSearchMigration } from './migrations/0003_product_search.migration.js';
import { releasedReservationsMigration } from './migrations/0004_released_reservations.migration.js';

/** Products, stock and reservations; the only source of prices and availability. */
export default defineModule({
  name: 'catalog',
  settings: catalogSettings,
  contract: catalogContract,
  requires: [],
  migrations: [productsMigration, reservationsMigration, productSearchMigration, releasedReservationsMigration],
  postgresExtensions: ['pg_trgm'],
  routes: productsRoutes,
  publishes: [],
  subscriptions: [],
  register({ container }) {
    container.registerSingleton(PRODUCTS_REPOSITORY, ProductsKnexRepository);
    container.registerSingleton(INVENTORY, InventorySqlRepository);
    container.registerSingleton(CATALOG_API, CatalogApiService);
  },
  async start({ container, settings, logger }) {
    if (settings.seedDemoCatalog) {
      const seeded = await container.resolve(SeedDemoCatalogHandler).execute();
      if (seeded > 0) logger.info({ products: seeded }, 'seeded the demo catalog');
    }
  },
  tasks: (context) => [
    // Several instances may sweep the same database: each release is a conditional update.
    {
      name: 'reservation-sweeper',
      everyMs: sweepIntervalMs(context.settings.reservationTtlMs),
      async run() {
        const released = await context.container.resolve(ReleaseLapsedHoldsHandler).execute();
        if (released > 0) context.logger.info({ released }, 'released lapsed stock reservations');
      },
    },
    housekeepingTask(context, [
      {
        table: 'reservations',
        deleteBatch: (limit) =>
          context.container
            .resolve<Inventory>(INVENTORY)
            .deleteReleased(cutoff(context.config.outboxRetentionSeconds), limit),
      },
    ]),
  ],
  // CATALOG_MAX_AGE=0 turns caching off at the edge too, not only in what the catalog answers.
  sharedCache: (settings) => settings.maxAgeSeconds > 0,
});
