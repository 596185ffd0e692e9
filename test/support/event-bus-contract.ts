/**
 * What every broker bus promises (event-bus.ts), declared once and run on each bus of
 * bus-harness.ts: events wait for a stopped consumer, a handler that keeps failing is dead-lettered
 * after the set attempts, competing consumers of one module share its events, consumers run in the
 * publisher's trace, and an unreachable broker fails publish and ping at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type BusHarness } from './bus-harness.js';
import { captureLogger, envelope, metricValue, sleep, testMetrics } from './events-fixtures.js';
import { eventually } from './eventually.js';

const ROUTES = (module: string) => ({ 'thing.happened': [module] });

export function describeEventBusContract(bus: BusHarness, extra: (bus: BusHarness) => void = () => undefined): void {
  describe.skipIf(!bus.enabled)(`the ${bus.name} event bus against the real broker`, () => {
    beforeAll(() => bus.setUp());
    afterAll(() => bus.tearDown());

    it('keeps 100 events waiting in the broker while the consumer is stopped, then delivers exactly 100', async () => {
      const publisher = await bus.connect(ROUTES('waiting'));
      for (let n = 0; n < 100; n++) await publisher.publish(envelope(n));
      expect(await bus.queue('waiting')).toEqual({ pending: 100, failed: 0 });

      const consumer = await bus.connect(ROUTES('waiting'));
      const effects = new Map<string, number>();
      await consumer.consume('waiting', async (event) => void effects.set(event.id, (effects.get(event.id) ?? 0) + 1));
      await eventually('100 effects', () => effects.size === 100, { timeoutMs: 10_000 });
      await sleep(200);
      expect([...effects.values()].reduce((sum, count) => sum + count, 0)).toBe(100);
      await eventually('the queue drained', async () => (await bus.queue('waiting')).pending === 0);
      expect(await bus.queue('waiting')).toEqual({ pending: 0, failed: 0 });
    });

    it('retries with backoff, then dead-letters after N attempts: one error line, counter = 1, one dead letter', async () => {
      const { logger, lines } = captureLogger();
      const metrics = testMetrics();
      const consumer = await bus.connect(ROUTES('broken'), { attempts: 3, backoffMs: 20 }, logger, metrics);
      let attempts = 0;
      await consumer.consume('broken', async () => {
        attempts++;
        throw new Error('always fails');
      });
      await consumer.publish(envelope(1, `evt-dead-letter-${Date.now()}`));
      await eventually('dead letter', () => lines.some((line) => line.level === 50), { timeoutMs: 5000 });
      await eventually('the dead letter in the broker', async () => (await bus.queue('broken')).failed === 1);
      await sleep(200);
      expect(attempts).toBe(3);
      expect(lines.filter((line) => line.level === 50)).toMatchObject([{ module: 'broken', attempt: 3 }]);
      expect(
        await metricValue(metrics, 'events_dead_lettered_total', { module: 'broken', event: 'thing.happened' }),
      ).toBe(1);
      expect(await bus.queue('broken')).toEqual({ pending: 0, failed: 1 });
    });

    it('shares one module’s events between two competing consumers: each of 200 handled exactly once', async () => {
      const handled = new Map<string, number>();
      const perInstance = [0, 0];
      for (const instance of [0, 1]) {
        const consumer = await bus.connect(ROUTES('competing'), { concurrency: 2 });
        await consumer.consume('competing', async (event) => {
          perInstance[instance]++;
          handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
          await sleep(2);
        });
      }
      const publisher = await bus.connect(ROUTES('competing'));
      for (let n = 0; n < 200; n++) await publisher.publish(envelope(n));
      await eventually('200 handled', () => handled.size === 200, { timeoutMs: 15_000 });
      await sleep(200);
      expect([...handled.values()].every((count) => count === 1)).toBe(true);
      expect(perInstance[0] + perInstance[1]).toBe(200);
      expect(Math.min(...perInstance)).toBeGreaterThan(0);
    });

    it('runs the consumer in the publisher’s trace: its log lines carry trace_id, span_id and requestId', async () => {
      const { logger, lines } = captureLogger();
      const traced = await bus.connect(ROUTES('traced'), {}, logger);
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      await traced.consume('traced', async () => logger.info('consumer ran'));
      await traced.publish({ ...envelope(1), traceparent: `00-${traceId}-00f067aa0ba902b7-01`, requestId: 'req-bus' });
      await eventually('consumer log line', () => lines.some((line) => line.msg === 'consumer ran'), {
        timeoutMs: 5000,
      });
      expect(lines.find((line) => line.msg === 'consumer ran')).toMatchObject({
        trace_id: traceId,
        span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
        requestId: 'req-bus',
      });
    });

    it('fails publish and ping within 2 s when the broker is unreachable', async () => {
      const unreachable = await connectBus(bus.address(1), ROUTES('nowhere'), captureLogger().logger, testMetrics(), {
        publishTimeoutMs: 1000,
      });
      const started = Date.now();
      try {
        await expect(unreachable.publish(envelope(1))).rejects.toThrow();
        await expect(unreachable.ping()).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(2000);
      } finally {
        await unreachable.close();
      }
    });

    extra(bus);
  });
}
