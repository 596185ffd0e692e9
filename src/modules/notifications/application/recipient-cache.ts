import { ExpiringCache } from '../../../platform/cache/expiring-cache.js';

/** Where a user's notifications go. */
export interface Recipient {
  email: string;
  name: string;
}

/**
 * Addresses recently looked up in the users module. An address never changes (the API has no way
 * to change it), so a customer's order events after the first cost no call to users; the bound and
 * the lifetime only keep memory in check.
 */
export class RecipientCache extends ExpiringCache<Recipient> {
  static readonly LIFETIME_MS = 10 * 60_000;

  constructor() {
    super(10_000);
  }
}
