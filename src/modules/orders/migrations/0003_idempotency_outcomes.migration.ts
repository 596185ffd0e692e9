import type { Knex } from 'knex';
import type { Migration } from '../../../platform/kernel/database.js';

const TABLE = 'idempotency_keys';

interface LegacyRow {
  user_id: string;
  key: string;
  response_status: number | string;
  response_headers: string | null;
  response_body: string | null;
}

/** An HTTP response stored by 0002 as the checkout outcome it rendered (see http/checkout-response.ts). */
function outcomeOfResponse(row: LegacyRow): unknown {
  const status = Number(row.response_status);
  const body = row.response_body === null ? {} : (JSON.parse(row.response_body) as Record<string, unknown>);
  if (status === 201 || status === 202) return { kind: 'placed', order: body };
  const { type: _type, title: _title, status: _status, code, detail, errors, traceId, ...extra } = body;
  const retryAfter = (JSON.parse(row.response_headers ?? '{}') as Record<string, string>)['Retry-After'];
  const refusal = {
    code,
    detail,
    ...(errors ? { errors } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
    ...(retryAfter !== undefined ? { retryAfterSeconds: Number(retryAfter) } : {}),
    traceId,
  };
  return { kind: 'refused', refusal };
}

/**
 * Idempotency records keep the checkout's outcome (an order or a refusal) instead of a rendered
 * HTTP response: the application decides, only http/ renders. Completed records are converted, so
 * a retry after the upgrade still replays its answer.
 */
export const idempotencyOutcomesMigration: Migration = {
  name: '0003_idempotency_outcomes',
  async up(knex: Knex) {
    await knex.schema.alterTable(TABLE, (table) => table.text('outcome').nullable());
    const completed: LegacyRow[] = await knex(TABLE).where({ state: 'completed' }).whereNotNull('response_status');
    for (const row of completed) {
      await knex(TABLE)
        .where({ user_id: row.user_id, key: row.key })
        .update({ outcome: JSON.stringify(outcomeOfResponse(row)) });
    }
    await knex.schema.alterTable(TABLE, (table) =>
      table.dropColumns('response_status', 'response_headers', 'response_body'),
    );
  },
  async down(knex: Knex) {
    await knex.schema.alterTable(TABLE, (table) => {
      table.integer('response_status').nullable();
      table.text('response_headers').nullable();
      table.text('response_body').nullable();
    });
    // Older code cannot replay an outcome: drop the answers (their keys become free again).
    await knex(TABLE).where({ state: 'completed' }).delete();
    await knex.schema.alterTable(TABLE, (table) => table.dropColumn('outcome'));
  },
};
