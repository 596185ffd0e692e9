import { onPostgres } from '../support/backends.js';
import { describeInventory } from './inventory.suite.js';

await onPostgres('catalog inventory', describeInventory);
