import { inject, injectable } from 'tsyringe';
import { INVENTORY, type Inventory } from './ports/inventory.port.js';

const BATCH = 100;

/** Gives back the stock of holds nobody committed within the reservation TTL. */
@injectable()
export class ReleaseLapsedHoldsHandler {
  constructor(@inject(INVENTORY) private readonly inventory: Inventory) {}

  /** Releases every hold lapsed by `now`; returns how many it released. */
  async execute(now = new Date()): Promise<number> {
    const at = now.toISOString();
    let released = 0;
    for (;;) {
      const orderIds = await this.inventory.lapsedHolds(at, BATCH);
      for (const orderId of orderIds) {
        // Conditional on `held`: a commit that wins the race keeps its sale.
        if ((await this.inventory.release(orderId, at, { onlyIfHeld: true })) === 'released') released++;
      }
      if (orderIds.length < BATCH) return released;
    }
  }
}
