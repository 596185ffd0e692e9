import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../kernel/config.js';
import { continuedContext, currentContext, runWithContext } from '../kernel/context.js';
import { inSpan } from './spans.js';
import { startTracing, type Tracing } from './tracing.js';

const VARIABLES = [
  'OTEL_SDK_DISABLED',
  'OTEL_TRACES_SAMPLER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
];
let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.stop();
  tracing = undefined;
  for (const name of VARIABLES) delete process.env[name];
});

/** Runs one span in a request and returns what the request saw. */
const oneRequest = () =>
  runWithContext(continuedContext({}, { requestId: 'req-1' }), () => inSpan('work', {}, async () => currentContext()!));

describe('startTracing', () => {
  it('records spans without an exporter, with shop.module, for the trace store', async () => {
    tracing = startTracing({ serviceName: 'shop-orders', processModule: 'orders' });
    const seen = await oneRequest();
    const [found] = tracing.traces.findTraces({ traceId: seen.traceId });
    expect(found.spans[0]).toMatchObject({
      name: 'work',
      service: 'shop-orders',
      module: 'orders',
      spanId: seen.spanId,
    });
  });

  it('honours OTEL_TRACES_SAMPLER: always_off records nothing, ids remain', async () => {
    process.env.OTEL_TRACES_SAMPLER = 'always_off';
    tracing = startTracing({ serviceName: 'shop', processModule: 'shop' });
    const seen = await oneRequest();
    expect(seen.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(tracing.traces.recentTraces()).toEqual([]);
  });

  it('with OTEL_SDK_DISABLED=true records nothing but still gives W3C ids', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    tracing = startTracing({ serviceName: 'shop', processModule: 'shop' });
    const seen = await oneRequest();
    expect(seen).toMatchObject({ requestId: 'req-1', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(tracing.traces.recentTraces()).toEqual([]);
  });

  it('refuses an OTLP protocol it cannot speak with one clear line', () => {
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    expect(() => startTracing({ serviceName: 'shop', processModule: 'shop' })).toThrow(ConfigError);
  });
});
