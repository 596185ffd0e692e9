import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_CONFIRMED } from '../../src/modules/orders/contract/orders.events.js';
import { createEventBus } from '../../src/platform/events/create-event-bus.js';
import { loadConfig } from '../../src/platform/kernel/config.js';
import { eventRouting } from '../../src/platform/process/event-wiring.js';
import { createMetrics } from '../../src/platform/telemetry/metrics.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { MODULES } from '../../src/main.js';
import { busHarnesses } from '../support/bus-harness.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { envelopeOf, listAll, ofTemplate, sleep } from './notifications.fixtures.js';
import { eventually } from '../support/eventually.js';

describe.each(await busHarnesses('notifications-downtime'))('notifications after downtime ($name)', (bus) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'notifications-downtime-'));
  let env: Record<string, string>;
  let shop: TestShop | undefined;

  beforeAll(async () => {
    if (!bus.enabled) return;
    await bus.setUp();
    const { kind, url, prefix } = bus.address();
    env = { EVENT_BUS: kind, DATA_DIR: dataDir };
    Object.assign(
      env,
      kind === 'bullmq' ? { REDIS_URL: url, BULLMQ_PREFIX: prefix } : { RABBITMQ_URL: url, RABBITMQ_PREFIX: prefix },
    );
  });
  afterAll(async () => {
    await shop?.stop();
    if (bus.enabled) await bus.tearDown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.skipIf(!bus.enabled)(
    'sends exactly one notification for each of 5 events published while the module was down',
    async () => {
      shop = await startTestShop(env);
      const ada = await shop.customer('Ada Lovelace');
      await eventually(
        'the welcome notification',
        async () => ofTemplate(await listAll(shop!, ada.token), 'welcome').length === 1,
      );
      await shop.stop();
      shop = undefined;

      // While nothing consumes: 5 order events wait in the broker, one of them published twice.
      const publisher = await createEventBus(
        loadConfig(env),
        eventRouting(MODULES),
        createLogger('silent'),
        createMetrics(),
      );
      const orderIds = Array.from({ length: 5 }, (_, i) => `order-down-${i}-${Date.now()}`);
      const envelopes = orderIds.map((orderId) =>
        envelopeOf(ORDER_CONFIRMED, {
          orderId,
          userId: ada.id,
          totalCents: 500,
          currency: 'USD',
          paymentId: 'pay',
          items: [{ productId: 'p', name: 'Mug', quantity: 1, unitPriceCents: 500, lineTotalCents: 500 }],
        }),
      );
      for (const envelope of [...envelopes, envelopes[0]]) await publisher.publish(envelope);
      await publisher.close();

      shop = await startTestShop(env);
      const confirmed = async () => ofTemplate(await listAll(shop!, ada.token), 'order_confirmed');
      await eventually('5 order_confirmed notifications', async () => (await confirmed()).length >= 5, {
        timeoutMs: 15_000,
        everyMs: 100,
      });
      await sleep(500); // room for a (wrong) extra notification to appear
      expect((await confirmed()).map((item) => item.orderId).sort()).toEqual([...orderIds].sort());
      expect(ofTemplate(await listAll(shop, ada.token), 'welcome')).toHaveLength(1);
    },
  );
});
