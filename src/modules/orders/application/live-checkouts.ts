import { inject, injectable, type InjectionToken } from 'tsyringe';
import { ORDERS_SETTINGS, type OrdersSettings } from '../orders.settings.js';

/**
 * Orders whose checkout request is still running in this process. The recovery leaves them to
 * their request however long it takes (below the reservation lifetime, which no live request can
 * outlast), so within one process a slow checkout and the recovery never drive the same order;
 * across processes the lease alone decides.
 */
@injectable()
export class LiveCheckouts {
  private readonly startedAt = new Map<string, number>();
  private readonly maxAgeMs: number;

  constructor(@inject(ORDERS_SETTINGS) config: OrdersSettings) {
    this.maxAgeMs = config.reservationTtlMs;
  }

  async run<T>(orderId: string, work: () => Promise<T>): Promise<T> {
    this.startedAt.set(orderId, Date.now());
    try {
      return await work();
    } finally {
      this.startedAt.delete(orderId);
    }
  }

  /** True while the order's request runs here and is not older than any live request can be. */
  isLive(orderId: string): boolean {
    const started = this.startedAt.get(orderId);
    return started !== undefined && Date.now() - started < this.maxAgeMs;
  }
}

/** The module's one registry (a container singleton): the checkout and the recovery must share it. */
export const LIVE_CHECKOUTS: InjectionToken<LiveCheckouts> = Symbol('LIVE_CHECKOUTS');
