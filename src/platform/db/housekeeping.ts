import type { Config } from '../kernel/config.js';
import type { ModuleContext, ModuleTask } from '../kernel/module.js';
import { METRICS_REGISTRY } from '../kernel/tokens.js';
import { counter } from '../telemetry/metrics.js';

/** One kind of row a module no longer needs, deleted a batch at a time. */
export interface Sweep {
  /** The table it deletes from (the `table` label of shop_housekeeping_deleted_rows_total). */
  table: string;
  /**
   * Deletes up to `limit` rows, each in a statement or transaction of its own, and resolves how
   * many it deleted. On PostgreSQL the batch is picked with SKIP LOCKED, so instances sweeping at
   * once take different rows; a row already gone is simply not counted.
   */
  deleteBatch(limit: number): Promise<number>;
}

/** Small enough that a batch holds SQLite's write lock, and the event loop, for a few milliseconds. */
export const SWEEP_BATCH = 500;

/** API.md: at least once a minute; with short retentions (tests, demos) often enough to keep up. */
export const housekeepingIntervalMs = (config: Config): number =>
  Math.min(60_000, Math.max(1000, (config.outboxRetentionSeconds * 1000) / 2));

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs each sweep until a batch comes back short, giving the event loop a turn between batches. */
export async function sweepAll(
  sweeps: readonly Sweep[],
  onDeleted: (table: string, rows: number) => void,
  batch = SWEEP_BATCH,
): Promise<void> {
  for (const sweep of sweeps) {
    for (;;) {
      const deleted = await sweep.deleteBatch(batch);
      if (deleted > 0) onDeleted(sweep.table, deleted);
      if (deleted < batch) break;
      await nextTurn();
    }
  }
}

/**
 * The module's one housekeeping task (API.md "Catalog and data at scale"): it keeps the tables that
 * only serve delivery and deduplication (outbox, inbox, idempotency records, settled reservations)
 * bounded. Business records are never swept.
 */
export function housekeepingTask(context: ModuleContext, sweeps: readonly Sweep[]): ModuleTask {
  const deletedRows = counter(context.container.resolve(METRICS_REGISTRY), {
    name: 'shop_housekeeping_deleted_rows_total',
    help: 'Rows deleted by housekeeping (dispatched outbox rows, old inbox rows, expired idempotency records, released reservations), by module and table',
    labelNames: ['module', 'table'] as const,
  });
  return {
    name: 'housekeeping',
    everyMs: housekeepingIntervalMs(context.config),
    run: () =>
      sweepAll(sweeps, (table, rows) => {
        deletedRows.inc({ module: context.name, table }, rows);
        context.logger.debug({ table, rows }, 'housekeeping deleted rows');
      }),
  };
}

/** An ISO timestamp `seconds` before now: rows older than it have served their purpose. */
export const cutoff = (seconds: number, now = Date.now()): string => new Date(now - seconds * 1000).toISOString();
