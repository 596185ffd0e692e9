import type { Knex } from 'knex';
import type { FinalState } from './history-checker.js';
import type { LoadFixture } from './fault-load.js';
import { openModuleKnex } from './module-db.js';

const ONGOING = ['pending', 'payment_pending', 'cancelling'];

/** Reads the split shop's module schemas directly (tests may), for one run's products and their orders. */
export class ShopSnapshot {
  private readonly db: Record<'orders' | 'payments' | 'catalog' | 'notifications', Knex>;

  constructor(env: Record<string, string>) {
    const settings = { databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR };
    this.db = {
      orders: openModuleKnex('orders', settings),
      payments: openModuleKnex('payments', settings),
      catalog: openModuleKnex('catalog', settings),
      notifications: openModuleKnex('notifications', settings),
    };
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.db).map((knex) => knex.destroy()));
  }

  /** The run's orders (those buying its products), with their lines. */
  private async orders(fixture: LoadFixture): Promise<FinalState['orders']> {
    const ids = new Set(fixture.products.map((product) => product.id));
    const rows: Array<{ id: string; status: string; items: string; total_cents: string | number }> = await this.db
      .orders('orders')
      .select('id', 'status', 'items', 'total_cents');
    return rows
      .map((row) => ({
        id: row.id,
        status: row.status,
        totalCents: Number(row.total_cents),
        lines: (JSON.parse(row.items) as Array<{ productId: string; quantity: number }>).map(
          ({ productId, quantity }) => ({ productId, quantity }),
        ),
      }))
      .filter((order) => order.lines.some((line) => ids.has(line.productId)));
  }

  /** Whether every order of the run is final and has its confirmation notice (when it was confirmed). */
  async settled(fixture: LoadFixture): Promise<boolean> {
    const orders = await this.orders(fixture);
    if (orders.some((order) => ONGOING.includes(order.status))) return false;
    const confirmed = orders.filter((order) => ['confirmed', 'cancelled'].includes(order.status)).map((o) => o.id);
    const [row] = await this.db
      .notifications('notifications')
      .whereIn('order_id', confirmed)
      .andWhere('template', 'order_confirmed')
      .countDistinct({ n: 'order_id' });
    return Number(row.n) >= confirmed.length;
  }

  async final(fixture: LoadFixture): Promise<FinalState> {
    const orders = await this.orders(fixture);
    const orderIds = orders.map((order) => order.id);
    const productIds = fixture.products.map((product) => product.id);
    const payments = await this.db
      .payments('payments')
      .whereIn('order_id', orderIds)
      .select('id', 'order_id', 'status', 'amount_cents');
    const notifications = await this.db
      .notifications('notifications')
      .whereIn('order_id', orderIds)
      .select('template', 'order_id');
    const stock: Array<{ id: string; stock: string | number }> = await this.db
      .catalog('products')
      .whereIn('id', productIds)
      .select('id', 'stock');
    const held: Array<{ product_id: string; quantity: string | number }> = await this.db
      .catalog('reservation_lines')
      .join('reservations', 'reservations.order_id', 'reservation_lines.order_id')
      .where('reservations.status', 'held')
      .whereIn('reservation_lines.product_id', productIds)
      .select('reservation_lines.product_id', 'reservation_lines.quantity');
    return {
      orders,
      payments: payments.map((p) => ({
        id: p.id,
        orderId: p.order_id,
        status: p.status,
        amountCents: Number(p.amount_cents),
      })),
      products: fixture.products.map((product) => ({
        id: product.id,
        initial: product.initial,
        available: Number(stock.find((row) => row.id === product.id)?.stock ?? Number.NaN),
        held: held.filter((row) => row.product_id === product.id).reduce((sum, row) => sum + Number(row.quantity), 0),
      })),
      notifications: notifications.map((n) => ({ template: n.template, orderId: n.order_id })),
    };
  }
}
