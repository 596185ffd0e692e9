import { describeCheckout } from './checkout.suite.js';
import { onPostgres } from '../support/backends.js';

await onPostgres('checkout saga', describeCheckout);
