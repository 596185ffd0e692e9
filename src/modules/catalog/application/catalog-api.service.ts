import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/errors.js';
import type { CatalogApi } from '../contract/catalog.api.js';
import { holdExpiry, normalizeLines } from '../domain/reservation.js';
import { CATALOG_SETTINGS, type CatalogSettings } from '../catalog.tokens.js';
import { INVENTORY, type Inventory } from './ports/inventory.port.js';

type Input<K extends keyof CatalogApi> = Parameters<CatalogApi[K]>[0];

/** The catalog contract, in process. Inputs were validated by the contract schemas at the edge. */
@injectable()
export class CatalogApiService implements CatalogApi {
  constructor(
    @inject(INVENTORY) private readonly inventory: Inventory,
    @inject(CATALOG_SETTINGS) private readonly settings: CatalogSettings,
  ) {}

  async getProducts({ ids }: Input<'getProducts'>) {
    return { products: await this.inventory.snapshots(ids) };
  }

  async reserve({ orderId, lines }: Input<'reserve'>) {
    const now = new Date();
    const outcome = await this.inventory.reserve(orderId, normalizeLines(lines), now.toISOString(), holdExpiry(now, this.settings.reservationTtlMs));
    if ('status' in outcome) return { orderId, status: outcome.status };
    if (outcome.rejected === 'unknown_product') throw new AppError('unknown_product', `Product ${outcome.productId} does not exist`, { extra: { productId: outcome.productId } });
    throw new AppError('out_of_stock', `Not enough stock of product ${outcome.productId}`, { extra: { productId: outcome.productId } });
  }

  async commitReservation({ orderId }: Input<'commitReservation'>) {
    const status = await this.inventory.commit(orderId, new Date().toISOString());
    if (status === undefined) throw new AppError('not_found', `No reservation for order ${orderId}`);
    if (status === 'released') throw new AppError('invalid_state', `The reservation of order ${orderId} was released (expired or cancelled)`);
    return { orderId, status };
  }

  async releaseReservation({ orderId }: Input<'releaseReservation'>) {
    await this.inventory.release(orderId, new Date().toISOString());
    return { orderId, status: 'released' as const };
  }
}
