import { onPostgres } from './backend.js';
import { describeProducts } from './products.suite.js';

await onPostgres('products API', describeProducts);
