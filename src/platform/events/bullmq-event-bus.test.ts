import { expect, it } from 'vitest';
import { busHarnesses } from '../../../test/support/bus-harness.js';
import { describeEventBusContract } from '../../../test/support/event-bus-contract.js';
import { envelope } from '../../../test/support/events-fixtures.js';

const [bullmq] = await busHarnesses('events-bus-test');

describeEventBusContract(bullmq, (bus) => {
  it('treats a re-publish of the same event id as a no-op while its job exists', async () => {
    const publisher = await bus.connect({ 'thing.happened': ['dedupe'] });
    const event = envelope(1);
    await publisher.publish(event);
    await publisher.publish(event);
    await publisher.publish({ ...event });
    expect((await bus.queue('dedupe')).pending).toBe(1);
  });
});
