import { sqlite } from '../support/backends.js';
import { describeSweeper } from './sweeper.suite.js';

describeSweeper('SQLite', sqlite);
