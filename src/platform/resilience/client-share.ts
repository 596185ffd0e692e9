import { contextKey, contextValue, withContextValue } from '../kernel/context.js';

/** Who the current unit of work is for, as the edge named it (`user:<id>`, `address:<ip>`). */
const CLIENT = contextKey('shop.client');

/** Runs `fn`, and everything it starts, on behalf of `client`: each bulkhead it enters counts it against that client's share. */
export const runForClient = <T>(client: string, fn: () => T): T => withContextValue(CLIENT, client, fn);

/** The client the current work is for; undefined for work that did not come through the edge (module-to-module calls, background tasks). */
export const currentClient = (): string | undefined => contextValue<string>(CLIENT);

/**
 * The calls each client has in progress in one bulkhead (running, waiting for a place, or waiting
 * on another module from it), so that one client cannot take more than its share of the places.
 * Only clients with calls in progress are kept: the map is as large as the current load.
 */
export class ClientShares {
  private readonly inProgress = new Map<string, number>();

  constructor(readonly perClient: number) {}

  /** Counts one more call of `client`; false, counting nothing, when it has its share in progress already. */
  take(client: string): boolean {
    const held = this.inProgress.get(client) ?? 0;
    if (held >= this.perClient) return false;
    this.inProgress.set(client, held + 1);
    return true;
  }

  release(client: string): void {
    const held = this.inProgress.get(client) ?? 0;
    if (held <= 1) this.inProgress.delete(client);
    else this.inProgress.set(client, held - 1);
  }
}
