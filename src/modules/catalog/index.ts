import { Lifecycle } from 'tsyringe';
import { defineModule } from '../../platform/module.js';
import { CatalogApiService } from './application/catalog-api.service.js';
import { INVENTORY } from './application/ports/inventory.port.js';
import { PRODUCTS_REPOSITORY } from './application/ports/products.repository.port.js';
import { ReleaseLapsedHoldsHandler } from './application/release-lapsed-holds.handler.js';
import { startReservationSweeper } from './application/reservation-sweeper.js';
import { SeedDemoCatalogHandler } from './application/seed-demo-catalog.handler.js';
import { CATALOG_KNEX, CATALOG_SETTINGS, CATALOG_SQL, type CatalogSettings } from './catalog.tokens.js';
import { CATALOG_API } from './contract/catalog.tokens.js';
import { catalogContract } from './contract/catalog.contract.js';
import { sweepIntervalMs } from './domain/reservation.js';
import { productsRoutes } from './http/products.routes.js';
import { InventorySqlRepository } from './infrastructure/inventory.sql-repository.js';
import { ProductsKnexRepository } from './infrastructure/products.knex-repository.js';
import { productsMigration } from './migrations/0001_products.migration.js';
import { reservationsMigration } from './migrations/0002_reservations.migration.js';

const singleton = { lifecycle: Lifecycle.Singleton } as const;

/** Products, stock and reservations; the only source of prices and availability. */
export default defineModule({
  name: 'catalog',
  contract: catalogContract,
  requires: [],
  migrations: [productsMigration, reservationsMigration],
  routes: productsRoutes,
  publishes: [],
  subscriptions: [],
  register({ container, db, config }) {
    container.register(CATALOG_KNEX, { useValue: db.knex });
    container.register(CATALOG_SQL, { useValue: db.sql });
    container.register<CatalogSettings>(CATALOG_SETTINGS, { useValue: { reservationTtlMs: config.reservationTtlMs } });
    container.register(PRODUCTS_REPOSITORY, { useClass: ProductsKnexRepository }, singleton);
    container.register(INVENTORY, { useClass: InventorySqlRepository }, singleton);
    container.register(CATALOG_API, { useClass: CatalogApiService }, singleton);
  },
  async start({ container, config, logger }) {
    if (config.seedDemoCatalog) {
      const seeded = await container.resolve(SeedDemoCatalogHandler).execute();
      if (seeded > 0) logger.info({ products: seeded }, 'seeded the demo catalog');
    }
    return [
      startReservationSweeper(
        container.resolve(ReleaseLapsedHoldsHandler),
        sweepIntervalMs(config.reservationTtlMs),
        logger,
      ),
    ];
  },
});
