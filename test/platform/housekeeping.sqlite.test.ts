import { sqlite } from '../support/backends.js';
import { requireRedis } from '../support/services.js';
import { describeHousekeeping } from './housekeeping.suite.js';

if (await requireRedis()) describeHousekeeping('SQLite', sqlite);
