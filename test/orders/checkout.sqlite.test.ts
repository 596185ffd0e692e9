import { describeCheckout } from './checkout.suite.js';
import { sqlite } from '../support/backends.js';

describeCheckout('SQLite', sqlite);
