import { onPostgres } from '../support/backends.js';
import { describeSweeper } from './sweeper.suite.js';

await onPostgres('reservation sweeper', describeSweeper);
