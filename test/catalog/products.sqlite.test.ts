import { sqlite } from '../support/backends.js';
import { describeProducts } from './products.suite.js';

describeProducts('SQLite', sqlite);
