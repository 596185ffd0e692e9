import { onPostgres } from '../support/backends.js';
import { requireRedis } from '../support/services.js';
import { describeHousekeeping } from './housekeeping.suite.js';

if (await requireRedis()) await onPostgres('housekeeping', describeHousekeeping);
