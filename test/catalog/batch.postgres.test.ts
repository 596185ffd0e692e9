import { onPostgres } from '../support/backends.js';
import { describeBatch } from './batch.suite.js';

await onPostgres('product batches', describeBatch);
