import { sqlite } from '../support/backends.js';
import { describeBatch } from './batch.suite.js';

describeBatch('SQLite', sqlite);
