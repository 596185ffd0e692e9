import { onPostgres } from './backend.js';
import { describeInventory } from './inventory.suite.js';

await onPostgres('catalog inventory', describeInventory);
