import type { InjectionToken } from 'tsyringe';
import type { SqlRunner } from '../../../platform/db/sql-runner.js';

/** Prepared statements on the payments module's own database (its SQLite file or PostgreSQL schema). */
export const PAYMENTS_SQL: InjectionToken<SqlRunner> = Symbol('PAYMENTS_SQL');
