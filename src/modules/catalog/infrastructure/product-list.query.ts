import type { Knex } from 'knex';
import type { Cursor } from '../../../platform/kernel/pagination.js';
import { PRODUCT_COLUMNS } from './product-row.js';

/** A page of the catalog in list order (created_at, id) after `after`, served by products_created_at_id_idx. */
export function productListQuery(knex: Knex, take: number, after: Cursor | undefined): Knex.QueryBuilder {
  const query = knex('products')
    .select(PRODUCT_COLUMNS)
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .limit(take);
  if (after) {
    query.where((where) =>
      where
        .where('created_at', '>', after.key)
        .orWhere((tie) => tie.where('created_at', after.key).andWhere('id', '>', after.id)),
    );
  }
  return query;
}
