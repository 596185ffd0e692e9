import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import { CATALOG_SETTINGS, type CatalogSettings } from '../catalog.settings.js';
import { CATALOG_ERRORS, type CatalogApi } from '../contract/catalog.contract.js';
import { holdExpiry, normalizeLines } from '../domain/reservation.js';
import { INVENTORY, type Inventory } from './ports/inventory.port.js';

type Input<K extends keyof CatalogApi> = Parameters<CatalogApi[K]>[0];

/**
 * The catalog contract, in process. Inputs arrive parsed against the contract schemas (the host
 * validates in-process calls as the HTTP client validates remote ones), so a negative quantity never
 * reaches a stock update.
 */
@injectable()
export class CatalogApiService implements CatalogApi {
  constructor(
    @inject(INVENTORY) private readonly inventory: Inventory,
    @inject(CATALOG_SETTINGS) private readonly config: CatalogSettings,
  ) {}

  async getProducts(input: Input<'getProducts'>) {
    const { ids } = input;
    return { products: await this.inventory.snapshots(ids) };
  }

  async reserve(input: Input<'reserve'>) {
    const { orderId, lines } = input;
    const now = new Date();
    const outcome = await this.inventory.reserve(
      orderId,
      normalizeLines(lines),
      now.toISOString(),
      holdExpiry(now, this.config.reservationTtlMs),
    );
    if ('status' in outcome) return { orderId, status: outcome.status };
    if (outcome.rejected === 'unknown_product')
      throw new AppError(CATALOG_ERRORS.unknown_product, `Product ${outcome.productId} does not exist`, {
        extra: { productId: outcome.productId },
      });
    throw new AppError(CATALOG_ERRORS.out_of_stock, `Not enough stock of product ${outcome.productId}`, {
      extra: { productId: outcome.productId },
    });
  }

  async commitReservation(input: Input<'commitReservation'>) {
    const { orderId } = input;
    const status = await this.inventory.commit(orderId, new Date().toISOString());
    if (status === undefined) throw new AppError('not_found', `No reservation for order ${orderId}`);
    if (status === 'released')
      throw new AppError('invalid_state', `The reservation of order ${orderId} was released (expired or cancelled)`);
    return { orderId, status };
  }

  async releaseReservation(input: Input<'releaseReservation'>) {
    const { orderId } = input;
    await this.inventory.release(orderId, new Date().toISOString());
    return { orderId, status: 'released' as const };
  }
}
