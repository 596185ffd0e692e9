/**
 * The end-to-end suite of the public API, written once and run against every mode (see
 * shop-two-modes.test.ts). Each scenario asserts the numbers that matter (stock, totals, payment
 * and notification states) and records every step in the session's transcript, which must come
 * out identical in every mode. New public behaviour gets its end-to-end scenario here.
 */
import { badInputIsProblemJson, customersCannotAdminister, othersSeeNothing } from './shop-suite/access.scenarios.js';
import { registerAndLogin, rejectsBadAccounts } from './shop-suite/accounts.scenarios.js';
import { cancelRefundsAndRestocks } from './shop-suite/cancel.scenarios.js';
import { adminBuildsCatalog, catalogListsSearchesAndPages } from './shop-suite/catalog.scenarios.js';
import { checkoutConfirmsAndReplays, checkoutRefusals } from './shop-suite/checkout.scenarios.js';
import { notificationsFollowEvents } from './shop-suite/notifications.scenarios.js';
import type { Scenario } from './shop-suite/session.js';

export { createSession, type Credentials, type ShopSession } from './shop-suite/session.js';

/** In order: later scenarios use the customers, products and order that earlier ones created. */
export const SHOP_SCENARIOS: [name: string, scenario: Scenario][] = [
  ['registers customers, logs them in and tells them who they are', registerAndLogin],
  ['refuses a taken e-mail, a short password, a wrong password and bad tokens', rejectsBadAccounts],
  ['lets the admin create, reprice and restock products, and refuses a taken sku', adminBuildsCatalog],
  [
    'lists the catalog oldest first in pages of 2, searches name and sku, validates limits',
    catalogListsSearchesAndPages,
  ],
  ['checks out 2 mugs and a tee for 50.00, replays the same key, refuses a reused key', checkoutConfirmsAndReplays],
  [
    'refuses out of stock (409), a declined card (402), an unknown product (422) and bad bodies (400)',
    checkoutRefusals,
  ],
  [
    'cancels the order: refunded, stock back to 10 and 10; a second cancel is 409; a replay charges nothing',
    cancelRefundsAndRestocks,
  ],
  ["hides one customer's order and payment from another (404), shows them to the admin", othersSeeNothing],
  [
    'forbids customers the admin routes (403) and anonymous callers (401), leaving the mug as it was',
    customersCannotAdminister,
  ],
  [
    'answers bad input with problem+json: malformed JSON, 413, validation (a null body too), 431, unknown route',
    badInputIsProblemJson,
  ],
  ['notifies once per event: welcome, order confirmed, cancelled and payment failed', notificationsFollowEvents],
];
