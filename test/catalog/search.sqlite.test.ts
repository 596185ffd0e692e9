import { sqlite } from '../support/backends.js';
import { describeSearch } from './search.suite.js';

describeSearch('SQLite', sqlite);
