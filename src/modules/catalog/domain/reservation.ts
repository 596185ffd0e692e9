/** Lifecycle of a stock reservation: held → committed (sold) or released (given back). */
export type ReservationStatus = 'held' | 'committed' | 'released';

export interface ReservationLine {
  productId: string;
  quantity: number;
}

/**
 * One line per product, sorted by product id. Merging duplicates makes "A×1, A×1" need two units
 * in one conditional update; the fixed order makes concurrent transactions lock products in the
 * same sequence, so they wait for each other instead of deadlocking.
 */
export function normalizeLines(lines: readonly ReservationLine[]): ReservationLine[] {
  const quantities = new Map<string, number>();
  for (const { productId, quantity } of lines) quantities.set(productId, (quantities.get(productId) ?? 0) + quantity);
  return [...quantities].map(([productId, quantity]) => ({ productId, quantity })).sort(byProductId);
}

/** The one order in which stock rows are locked (code-unit order, independent of any database collation). */
export const byProductId = (a: ReservationLine, b: ReservationLine): number =>
  a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;

/** When a hold taken at `now` lapses if nobody commits it. */
export const holdExpiry = (now: Date, ttlMs: number): string => new Date(now.getTime() + ttlMs).toISOString();

/** How often the sweeper looks for lapsed holds: often enough to honour short TTLs, at most every 30 s. */
export const sweepIntervalMs = (ttlMs: number): number => Math.max(100, Math.min(Math.floor(ttlMs / 4), 30_000));
