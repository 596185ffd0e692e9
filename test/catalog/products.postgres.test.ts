import { onPostgres } from '../support/backends.js';
import { describeProducts } from './products.suite.js';

await onPostgres('products API', describeProducts);
