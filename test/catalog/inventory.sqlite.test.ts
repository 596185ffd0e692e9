import { sqlite } from '../support/backends.js';
import { describeInventory } from './inventory.suite.js';

describeInventory('SQLite', sqlite);
