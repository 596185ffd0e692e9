/**
 * A Jepsen-style checker: a run records every request and answer (the history), then the state the
 * shop ended in; check() judges both together, naming each violation rather than stopping at one.
 */

/** One request of the load and how it ended: an HTTP status, or `cut` when no answer came at all. */
export interface Exchange {
  kind: 'checkout' | 'cancel';
  startedAt: number;
  endedAt: number;
  status: number | 'cut';
  contentType?: string;
  /** The order the answer names (201/202 to a checkout; the cancelled one). */
  orderId?: string;
  /** A problem's detail, to tell the report why. */
  detail?: string;
}

export interface OrderRecord {
  id: string;
  status: string;
  totalCents: number;
  lines: Array<{ productId: string; quantity: number }>;
}

/** Where a run ended, read once it settled (or gave up waiting), for the run's own users and products. */
export interface FinalState {
  orders: OrderRecord[];
  payments: Array<{ id: string; orderId: string; status: string; amountCents: number }>;
  /** `available` is what the catalog still sells; `held` what live reservations keep. */
  products: Array<{ id: string; initial: number; available: number; held: number }>;
  /** Template and order of each notification sent to the run's users. */
  notifications: Array<{ template: string; orderId: string | null }>;
}

export interface History {
  exchanges: Exchange[];
  final: FinalState;
  /** When the last fault was healed, and when every order was final (undefined: never within the wait). */
  healedAt: number;
  settledAt: number | undefined;
}

export interface CheckBounds {
  /** The request budget plus a margin: no answer may take longer. */
  maxLatencyMs: number;
  /** Every order final this long after the heal. */
  settleWithinMs: number;
  /** Whether an answer may be cut (the fault is on the client's own link); otherwise a cut is a violation. */
  cutsAllowed?: boolean;
}

const FINAL = new Set(['confirmed', 'payment_failed', 'cancelled', 'rejected']);
const PLACED = new Set(['confirmed', 'cancelled']);
const PROBLEM = 'application/problem+json';

/** Every violation of the shop's guarantees the history shows; empty when it holds. */
export function check(history: History, bounds: CheckBounds): string[] {
  return [...checkAnswers(history, bounds), ...checkOrders(history, bounds), ...checkStock(history.final)];
}

function checkAnswers({ exchanges, final }: History, bounds: CheckBounds): string[] {
  const violations: string[] = [];
  const known = new Set(final.orders.map((order) => order.id));
  for (const exchange of exchanges) {
    const { status, kind } = exchange;
    const latency = exchange.endedAt - exchange.startedAt;
    if (latency > bounds.maxLatencyMs) violations.push(`${kind} answered after ${latency} ms`);
    if (status === 'cut') {
      if (!bounds.cutsAllowed) violations.push(`${kind} got no answer (connection cut)`);
      continue;
    }
    const isProblem = exchange.contentType?.startsWith(PROBLEM) ?? false;
    const accepted = kind === 'checkout' ? [201, 202] : [200];
    if (!accepted.includes(status) && !((status >= 400 && status < 500) || status === 503))
      violations.push(`${kind} answered ${status}`);
    if (status >= 400 && !isProblem) violations.push(`${kind} answered ${status} without a problem+json body`);
    if (kind === 'checkout' && accepted.includes(status) && !(exchange.orderId && known.has(exchange.orderId)))
      violations.push(`checkout answered ${status} for order ${exchange.orderId}, which does not exist`);
  }
  const answered = new Set(exchanges.filter((e) => e.kind === 'checkout').map((e) => e.orderId));
  // A 503 says nothing was placed: only an answer the fault cut may leave a sale nobody was told of.
  // (A checkout refused with 503 may still leave a failed order, with nothing charged or held.)
  const unanswered = final.orders.filter((order) => !answered.has(order.id) && PLACED.has(order.status));
  const cut = exchanges.filter((e) => e.kind === 'checkout' && e.status === 'cut').length;
  if (unanswered.length > cut)
    violations.push(`${unanswered.length} orders were sold that no answer named, more than the ${cut} answers cut`);
  return violations;
}

function checkOrders({ final, healedAt, settledAt }: History, bounds: CheckBounds): string[] {
  const violations: string[] = [];
  if (settledAt === undefined || settledAt - healedAt > bounds.settleWithinMs)
    violations.push(`orders not all final within ${bounds.settleWithinMs} ms of the heal`);
  const paymentsOf = (orderId: string, status: string) =>
    final.payments.filter((payment) => payment.orderId === orderId && payment.status === status);
  const confirmedNotices = (orderId: string) =>
    final.notifications.filter((n) => n.orderId === orderId && n.template === 'order_confirmed').length;
  for (const order of final.orders) {
    const captured = paymentsOf(order.id, 'captured');
    const refunded = paymentsOf(order.id, 'refunded');
    if (!FINAL.has(order.status)) violations.push(`order ${order.id} is still ${order.status}`);
    if (order.status === 'confirmed') {
      if (captured.length !== 1 || captured[0].amountCents !== order.totalCents)
        violations.push(`confirmed order ${order.id} has ${captured.length} captures, not one of ${order.totalCents}`);
    } else if (captured.length > 0) violations.push(`${order.status} order ${order.id} keeps a captured charge`);
    if (order.status === 'cancelled' && refunded.length !== 1)
      violations.push(`cancelled order ${order.id} was refunded ${refunded.length} times`);
    const notices = confirmedNotices(order.id);
    const wasConfirmed = order.status === 'confirmed' || order.status === 'cancelled';
    if (notices !== (wasConfirmed ? 1 : 0))
      violations.push(`${order.status} order ${order.id} has ${notices} order_confirmed notifications`);
  }
  return violations;
}

function checkStock(final: FinalState): string[] {
  const violations: string[] = [];
  for (const product of final.products) {
    const sold = final.orders
      .filter((order) => order.status === 'confirmed')
      .flatMap((order) => order.lines)
      .filter((line) => line.productId === product.id)
      .reduce((sum, line) => sum + line.quantity, 0);
    if (product.available < 0 || product.held < 0)
      violations.push(
        `product ${product.id} has negative stock (${product.available} available, ${product.held} held)`,
      );
    if (product.available + product.held + sold !== product.initial)
      violations.push(
        `product ${product.id}: ${product.available} available + ${product.held} held + ${sold} sold ≠ ${product.initial}`,
      );
  }
  return violations;
}
