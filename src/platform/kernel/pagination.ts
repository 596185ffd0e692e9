import { z } from 'zod';
import { AppError } from './errors.js';

/** Keyset pagination, shared by every list: the HTTP schemas of a page are in http/pagination.ts. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset position: the sort key and id of the last item of a page. */
export interface Cursor {
  key: string;
  id: string;
}

const cursorSchema = z.object({ key: z.string(), id: z.string() });

export const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

export function decodeCursor(value: string | undefined): Cursor | undefined {
  if (value === undefined) return undefined;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('validation_failed', 'The cursor is not one this API returned', {
      errors: [{ path: 'query.cursor', message: 'invalid cursor' }],
    });
  }
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only tells that another page exists.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  cursorOf: (row: Row) => Cursor,
  toItem: (row: Row) => Item,
): Page<Item> {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(cursorOf(items[items.length - 1])) : null;
  return { items: items.map(toItem), nextCursor };
}
