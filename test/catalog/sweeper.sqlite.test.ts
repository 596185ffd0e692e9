import { sqlite } from './backend.js';
import { describeSweeper } from './sweeper.suite.js';

describeSweeper('SQLite', sqlite);
