import { onPostgres } from './backend.js';
import { describeSweeper } from './sweeper.suite.js';

await onPostgres('reservation sweeper', describeSweeper);
