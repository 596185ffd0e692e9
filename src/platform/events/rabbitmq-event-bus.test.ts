import { Connection } from 'rabbitmq-client';
import { expect, it } from 'vitest';
import { busHarnesses } from '../../../test/support/bus-harness.js';
import { describeEventBusContract } from '../../../test/support/event-bus-contract.js';
import { captureLogger, envelope, sleep } from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import { rabbitmqQueues } from '../../../test/support/rabbitmq.js';
import { moduleQueue } from './rabbitmq-topology.js';

const [, rabbitmq] = await busHarnesses('events-rabbitmq-test');

describeEventBusContract(rabbitmq, (bus) => {
  it('declares a quorum queue per consuming module under the prefix, with its delivery limit and dead-letter queue', async () => {
    await bus.connect({ 'thing.happened': ['alpha', 'beta'], 'other.thing': ['beta'] }, { attempts: 4 });
    const queues = await eventually('the topology', async () => {
      const found = await rabbitmqQueues(bus.address().url);
      return found.filter((queue) => /^shop\.(alpha|beta)/.test(queue.name)).length === 4 ? found : undefined;
    });
    expect(queues!.filter((queue) => /^shop\.(alpha|beta)/.test(queue.name))).toEqual([
      {
        name: 'shop.alpha',
        type: 'quorum',
        durable: true,
        deliveryLimit: 3,
        deadLetterExchange: 'shop.alpha.dead-letter',
      },
      { name: 'shop.alpha.dead-letter', type: 'quorum', durable: true },
      {
        name: 'shop.beta',
        type: 'quorum',
        durable: true,
        deliveryLimit: 3,
        deadLetterExchange: 'shop.beta.dead-letter',
      },
      { name: 'shop.beta.dead-letter', type: 'quorum', durable: true },
    ]);
  });

  it('counts a module’s queue for the console: waiting in the broker, being handled, waiting for a retry', async () => {
    let release = () => undefined as void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const consumer = await bus.connect(
      { 'thing.happened': ['counted'] },
      { concurrency: 2, maxBackoffMs: 60_000, backoffMs: 60_000 },
    );
    try {
      await consumer.consume('counted', async (event) => {
        const { n } = event.payload as { n: number };
        if (n === 1) await blocked;
        if (n === 2) throw new Error('fails, then waits a minute for its retry');
      });
      for (let n = 1; n <= 6; n++) await consumer.publish(envelope(n));
      // Prefetch is twice the concurrency: events 1-4 are with the consumer, 5 and 6 wait in the broker.
      const counts = await eventually('the counts', async () => {
        const now = await consumer.queueCounts!('counted');
        return now.active === 1 && now.delayed === 1 ? now : undefined;
      });
      expect(counts).toEqual({ waiting: 2, active: 1, delayed: 1, failed: 0 });
    } finally {
      release();
    }
  });

  it('refuses a publish the broker returns as unroutable for one module (its queue deleted), declares the topology again, and the retry is delivered once', async () => {
    const delivered: string[] = [];
    const routes = { 'thing.happened': ['unroutable', 'bystander'] };
    const consumer = await bus.connect(routes);
    const publisher = await bus.connect(routes);
    const admin = new Connection(bus.address().url);
    try {
      await publisher.publish(envelope(0)); // the publisher's channel is set up (topology declared) before this
      await admin.queueDelete({ queue: moduleQueue('shop', 'unroutable') });
      const event = envelope(1);
      await expect(publisher.publish(event)).rejects.toThrow(/unroutable/);
      // What the outbox relay does: publish again until the broker confirms a routed message.
      await eventually('a routed publish', () =>
        publisher.publish(event).then(
          () => true,
          () => false,
        ),
      );
      await consumer.consume('unroutable', async (received) => void delivered.push(received.id));
      await eventually('the delivery', () => delivered.length === 1);
      await sleep(200);
      expect(delivered).toEqual([event.id]);
    } finally {
      await admin.close();
    }
  });

  it('reports the bus down while the broker has closed its connection, reconnects by itself and delivers again', async () => {
    const { logger, lines } = captureLogger();
    const delivered: string[] = [];
    const consumer = await bus.connect({ 'thing.happened': ['reconnecting'] }, {}, logger);
    await consumer.consume('reconnecting', async (received) => void delivered.push(received.id));
    await consumer.publish(envelope(1));
    await eventually('the first delivery', () => delivered.length === 1);

    await bus.allowClients(false); // reconnects are refused until the test lets them in again
    expect(await bus.closeConnections()).toBeGreaterThan(0);
    await eventually('the bus to report the connection down', () =>
      consumer.ping().then(
        () => false,
        (error: Error) => /down/.test(error.message),
      ),
    );
    await bus.allowClients(true);
    await eventually(
      'the reconnect',
      () =>
        consumer.ping().then(
          () => true,
          () => false,
        ),
      { timeoutMs: 10_000 },
    );
    await eventually('a publish after the reconnect', () =>
      consumer.publish(envelope(2)).then(
        () => true,
        () => false,
      ),
    );
    await eventually('the second delivery', () => delivered.length === 2, { timeoutMs: 10_000 });
    expect(lines.some((line) => line.msg === 'RabbitMQ connection back; topology declared again')).toBe(true);
  }, 60_000);
});
