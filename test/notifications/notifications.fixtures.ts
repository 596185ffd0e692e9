import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import { readEventPayload, type EventDefinition, type EventEnvelope } from '../../src/platform/kernel/event.js';
import notificationsModule from '../../src/modules/notifications/index.js';
import { moduleKnex } from '../support/module-db.js';
import type { TestShop } from '../support/shop.js';

export { sleep } from '../support/events-fixtures.js';

export interface NotificationItem {
  id: string;
  userId: string;
  channel: string;
  template: string;
  recipient: string;
  subject: string;
  body: string;
  orderId?: string;
  status: string;
  createdAt: string;
}

/** An envelope of `event` as an outbox would build it, with a fresh id unless one is given. */
export function envelopeOf<E extends EventDefinition>(
  event: E,
  payload: unknown,
  id: string = randomUUID(),
): EventEnvelope {
  return {
    id,
    name: event.name,
    version: event.version,
    source: 'test',
    occurredAt: new Date().toISOString(),
    payload,
  };
}

/** Delivers `envelope` to the notifications module the way the host does (payload read and upcast), bypassing the bus. */
export async function deliverDirectly(shop: TestShop, envelope: EventEnvelope): Promise<void> {
  const subscription = notificationsModule.subscriptions.find((candidate) => candidate.event.name === envelope.name);
  if (!subscription) throw new Error(`notifications does not subscribe to ${envelope.name}`);
  const read = readEventPayload(subscription.event, envelope.version, envelope.payload);
  if (!read.success) throw read.error;
  await subscription.handle({ ...envelope, payload: read.data }, notificationsContainer(shop));
}

export const notificationsContainer = (shop: TestShop): DependencyContainer =>
  shop.host.modules.get('notifications')!.container;

/** Every notification the token's owner can see, following `nextCursor` to the end. */
export async function listAll(shop: TestShop, token: string, limit = 100): Promise<NotificationItem[]> {
  const items: NotificationItem[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await shop.request('GET', `/api/v1/notifications?${query}`, { token });
    if (response.status !== 200)
      throw new Error(`GET /api/v1/notifications: ${response.status} ${JSON.stringify(response.body)}`);
    items.push(...(response.body.items as NotificationItem[]));
    cursor = response.body.nextCursor as string | null;
  } while (cursor);
  return items;
}

export const ofTemplate = (items: NotificationItem[], template: string) =>
  items.filter((item) => item.template === template);

/** Creates a product as the admin and returns its id. */
export async function createProduct(
  shop: TestShop,
  product: { sku: string; name: string; priceCents: number; stock: number; currency?: string },
): Promise<string> {
  const response = await shop.request('POST', '/api/v1/products', {
    token: await shop.adminToken(),
    body: { currency: 'USD', ...product },
  });
  if (response.status !== 201) throw new Error(`create product: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.id as string;
}

/** Counts the stored notifications of one template (all users). */
export async function countTemplate(shop: TestShop, template: string): Promise<number> {
  const [row] = await moduleKnex(shop, 'notifications')('notifications').where({ template }).count({ n: '*' });
  return Number(row.n);
}
