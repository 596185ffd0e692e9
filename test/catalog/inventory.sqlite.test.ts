import { sqlite } from './backend.js';
import { describeInventory } from './inventory.suite.js';

describeInventory('SQLite', sqlite);
