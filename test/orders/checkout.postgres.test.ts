import { describeCheckout } from './checkout.suite.js';
import { onPostgres } from './orders.fixtures.js';

await onPostgres('checkout saga', describeCheckout);
