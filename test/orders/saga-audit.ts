import type { Knex } from 'knex';

/** The three module databases, read directly: tests may, production code may not. */
export interface ShopDatabases {
  orders: Knex;
  catalog: Knex;
  payments: Knex;
}

/** Everything that must hold once every saga has finished; each list names the offenders. */
export interface SagaAudit {
  orderStatuses: Record<string, number>;
  /** Why checkouts failed or were rejected (payment_declined, checkout_interrupted, out_of_stock…). */
  failureReasons: Record<string, number>;
  paymentStatuses: Record<string, number>;
  unfinishedOrders: string[];
  heldReservations: string[];
  /** Captured (not refunded) payments whose order is not confirmed. */
  capturedWithoutConfirmedOrder: string[];
  /** Confirmed orders without exactly one captured payment of their total. */
  confirmedWithoutCapture: string[];
  /** Orders with more than one payment. */
  doubleCharged: string[];
  /** Reservation state that contradicts the order (confirmed ↔ committed, otherwise released or none). */
  reservationMismatches: string[];
  /** initial − Σ confirmed quantities ≠ stock. */
  stockMismatches: Array<{ productId: string; initial: number; sold: number; stock: number }>;
  /** Events in the outbox that contradict the order's final status (or are duplicated). */
  eventMismatches: string[];
  soldUnits: number;
}

const tally = (values: string[]) =>
  values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

const EXPECTED_EVENTS: Record<string, string[]> = {
  confirmed: ['order.confirmed'],
  cancelled: ['order.cancelled', 'order.confirmed'],
  payment_failed: ['order.payment-failed'],
  rejected: [],
};

export async function auditSagas(db: ShopDatabases, initialStock: Map<string, number>): Promise<SagaAudit> {
  const orders: Array<{
    id: string;
    status: string;
    items: string;
    total_cents: number | string;
    payment_id: string | null;
    failure_code: string | null;
  }> = await db.orders('orders').select('id', 'status', 'items', 'total_cents', 'payment_id', 'failure_code');
  const payments: Array<{ id: string; order_id: string; status: string; amount_cents: number | string }> = await db
    .payments('payments')
    .select('id', 'order_id', 'status', 'amount_cents');
  const reservations: Array<{ order_id: string; status: string }> = await db
    .catalog('reservations')
    .select('order_id', 'status');
  const products: Array<{ id: string; stock: number }> = await db.catalog('products').select('id', 'stock');
  const events: Array<{ name: string; envelope: string }> = await db.orders('outbox').select('name', 'envelope');

  const orderById = new Map(orders.map((order) => [order.id, order]));
  const paymentsByOrder = new Map<string, typeof payments>();
  for (const payment of payments)
    paymentsByOrder.set(payment.order_id, [...(paymentsByOrder.get(payment.order_id) ?? []), payment]);
  const reservationByOrder = new Map(reservations.map((reservation) => [reservation.order_id, reservation.status]));
  const eventsByOrder = new Map<string, string[]>();
  for (const event of events) {
    const orderId = (JSON.parse(event.envelope) as { payload: { orderId: string } }).payload.orderId;
    eventsByOrder.set(orderId, [...(eventsByOrder.get(orderId) ?? []), event.name].sort());
  }

  const sold = new Map<string, number>();
  for (const order of orders.filter((o) => o.status === 'confirmed')) {
    for (const line of JSON.parse(order.items) as Array<{ productId: string; quantity: number }>)
      sold.set(line.productId, (sold.get(line.productId) ?? 0) + line.quantity);
  }
  const stockById = new Map(products.map((product) => [product.id, Number(product.stock)]));

  return {
    orderStatuses: tally(orders.map((order) => order.status)),
    failureReasons: tally(orders.filter((order) => order.failure_code).map((order) => order.failure_code!)),
    paymentStatuses: tally(payments.map((payment) => payment.status)),
    unfinishedOrders: orders
      .filter((order) => ['pending', 'payment_pending', 'cancelling'].includes(order.status))
      .map((order) => `${order.id}:${order.status}`),
    heldReservations: reservations
      .filter((reservation) => reservation.status === 'held')
      .map((reservation) => reservation.order_id),
    capturedWithoutConfirmedOrder: payments
      .filter((payment) => payment.status === 'captured' && orderById.get(payment.order_id)?.status !== 'confirmed')
      .map((payment) => payment.id),
    confirmedWithoutCapture: orders
      .filter((order) => order.status === 'confirmed')
      .filter((order) => {
        const captured = (paymentsByOrder.get(order.id) ?? []).filter((payment) => payment.status === 'captured');
        return (
          captured.length !== 1 ||
          captured[0].id !== order.payment_id ||
          Number(captured[0].amount_cents) !== Number(order.total_cents)
        );
      })
      .map((order) => order.id),
    doubleCharged: [...paymentsByOrder].filter(([, list]) => list.length > 1).map(([orderId]) => orderId),
    reservationMismatches: orders
      .filter((order) => {
        const reservation = reservationByOrder.get(order.id);
        return order.status === 'confirmed'
          ? reservation !== 'committed'
          : reservation !== undefined && reservation !== 'released';
      })
      .map((order) => `${order.id}:${order.status}/${reservationByOrder.get(order.id)}`),
    stockMismatches: [...initialStock]
      .map(([productId, initial]) => ({
        productId,
        initial,
        sold: sold.get(productId) ?? 0,
        stock: stockById.get(productId) ?? Number.NaN,
      }))
      .filter((row) => row.initial - row.sold !== row.stock),
    eventMismatches: orders
      .filter(
        (order) =>
          JSON.stringify(eventsByOrder.get(order.id) ?? []) !== JSON.stringify(EXPECTED_EVENTS[order.status] ?? ['?']),
      )
      .map((order) => `${order.id}:${order.status}:${(eventsByOrder.get(order.id) ?? []).join('+')}`),
    soldUnits: [...sold.values()].reduce((sum, units) => sum + units, 0),
  };
}

/** The audit of a consistent shop: everything finished, nothing held, money and stock agree. */
export const CONSISTENT = {
  unfinishedOrders: [],
  heldReservations: [],
  capturedWithoutConfirmedOrder: [],
  confirmedWithoutCapture: [],
  doubleCharged: [],
  reservationMismatches: [],
  stockMismatches: [],
  eventMismatches: [],
};
