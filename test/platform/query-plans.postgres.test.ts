import { onPostgres } from '../support/backends.js';
import { describeQueryPlans } from './query-plans.suite.js';

await onPostgres('query plans', describeQueryPlans);
