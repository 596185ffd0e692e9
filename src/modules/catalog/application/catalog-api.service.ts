import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/errors.js';
import { validate } from '../../../platform/http/validation.js';
import type { CatalogApi } from '../contract/catalog.api.js';
import { catalogOperations as operations } from '../contract/catalog.operations.js';
import { holdExpiry, normalizeLines } from '../domain/reservation.js';
import { CATALOG_SETTINGS, type CatalogSettings } from '../catalog.tokens.js';
import { INVENTORY, type Inventory } from './ports/inventory.port.js';

type Input<K extends keyof CatalogApi> = Parameters<CatalogApi[K]>[0];

/**
 * The catalog contract, in process. Inputs are checked against the contract schemas here too: an
 * in-process caller skips the HTTP edge, and a negative quantity must never reach a stock update.
 */
@injectable()
export class CatalogApiService implements CatalogApi {
  constructor(
    @inject(INVENTORY) private readonly inventory: Inventory,
    @inject(CATALOG_SETTINGS) private readonly settings: CatalogSettings,
  ) {}

  async getProducts(input: Input<'getProducts'>) {
    const { ids } = validate(operations.getProducts.input, input, 'body');
    return { products: await this.inventory.snapshots(ids) };
  }

  async reserve(input: Input<'reserve'>) {
    const { orderId, lines } = validate(operations.reserve.input, input, 'body');
    const now = new Date();
    const outcome = await this.inventory.reserve(
      orderId,
      normalizeLines(lines),
      now.toISOString(),
      holdExpiry(now, this.settings.reservationTtlMs),
    );
    if ('status' in outcome) return { orderId, status: outcome.status };
    if (outcome.rejected === 'unknown_product')
      throw new AppError('unknown_product', `Product ${outcome.productId} does not exist`, {
        extra: { productId: outcome.productId },
      });
    throw new AppError('out_of_stock', `Not enough stock of product ${outcome.productId}`, {
      extra: { productId: outcome.productId },
    });
  }

  async commitReservation(input: Input<'commitReservation'>) {
    const { orderId } = validate(operations.commitReservation.input, input, 'body');
    const status = await this.inventory.commit(orderId, new Date().toISOString());
    if (status === undefined) throw new AppError('not_found', `No reservation for order ${orderId}`);
    if (status === 'released')
      throw new AppError('invalid_state', `The reservation of order ${orderId} was released (expired or cancelled)`);
    return { orderId, status };
  }

  async releaseReservation(input: Input<'releaseReservation'>) {
    const { orderId } = validate(operations.releaseReservation.input, input, 'body');
    await this.inventory.release(orderId, new Date().toISOString());
    return { orderId, status: 'released' as const };
  }
}
