import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMonolith, startSplitMode, type RunningShop } from '../support/modes.js';
import { requireRabbitmq } from '../support/rabbitmq.js';
import { requirePostgres, requireRedis } from '../support/services.js';
import { ADMIN } from '../support/shop.js';
import type { TranscriptEntry } from '../support/transcript.js';
import { createSession, SHOP_SCENARIOS, type ShopSession } from './shop.e2e-suite.js';

const splitAvailable = (await requirePostgres()) && (await requireRedis());
const rabbitmqAvailable = splitAvailable && (await requireRabbitmq());

const MODES = [
  { mode: 'monolith (in-process, SQLite, memory bus)', available: true, start: startMonolith },
  {
    mode: 'split mode through the gateway (PostgreSQL, BullMQ)',
    available: splitAvailable,
    start: () => startSplitMode('e2e_suite'),
  },
  {
    mode: 'split mode through the gateway (PostgreSQL, RabbitMQ)',
    available: rabbitmqAvailable,
    start: () => startSplitMode('e2e_suite_rabbitmq', { bus: 'rabbitmq' }),
  },
];

const transcripts = new Map<string, TranscriptEntry[]>();

// Each mode is started once and runs every scenario in order; the next mode starts after it stopped.
describe.each(MODES)('the shop, $mode', ({ mode, available, start }) => {
  let shop: RunningShop | undefined;
  let session: ShopSession;

  beforeAll(async () => {
    if (!available) return;
    shop = await start();
    session = createSession(shop.call, ADMIN);
    transcripts.set(mode, session.transcript.entries);
  }, 180_000);

  afterAll(() => shop?.stop(), 60_000);

  it.skipIf(!available).each(SHOP_SCENARIOS)('%s', async (_, scenario) => scenario(session), 60_000);
});

describe.skipIf(!splitAvailable)('the shop in both modes, on either bus', () => {
  it('gives identical statuses, codes and bodies, ids and timestamps aside', () => {
    const [monolith, ...splits] = MODES.filter(({ available }) => available).map(
      ({ mode }) => transcripts.get(mode) ?? [],
    );
    expect(monolith.length).toBeGreaterThanOrEqual(SHOP_SCENARIOS.length);
    for (const split of splits) expect(split).toEqual(monolith);
  });
});
