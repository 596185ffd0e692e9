import { sqlite } from '../support/backends.js';
import { describeQueryPlans } from './query-plans.suite.js';

describeQueryPlans('SQLite', sqlite);
