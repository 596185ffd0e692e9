import { sqlite } from './backend.js';
import { describeProducts } from './products.suite.js';

describeProducts('SQLite', sqlite);
