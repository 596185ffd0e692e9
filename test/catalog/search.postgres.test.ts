import { onPostgres } from '../support/backends.js';
import { describeSearch } from './search.suite.js';

await onPostgres('catalog search', describeSearch);
