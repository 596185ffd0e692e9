import { describeCheckout } from './checkout.suite.js';
import { sqlite } from './orders.fixtures.js';

describeCheckout('SQLite', sqlite);
