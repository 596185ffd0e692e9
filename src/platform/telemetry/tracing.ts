import { getBooleanFromEnv } from '@opentelemetry/core';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { exporterFromEnv } from './otlp-exporter.js';
import { TraceStore } from './trace-store.js';
import { installTracer, uninstallTracer } from './tracer.js';

export interface TracingOptions {
  /** `service.name`, unless OTEL_SERVICE_NAME (or OTEL_RESOURCE_ATTRIBUTES) says otherwise. */
  serviceName: string;
  /** `shop.module` of the spans begun outside any module's work. */
  processModule: string;
}

export interface Tracing {
  /** This process's recent finished spans (empty with OTEL_SDK_DISABLED=true). */
  traces: TraceStore;
  /** Exports what is still queued, then stops; the last user of the process's tracing stops it. */
  stop(): Promise<void>;
}

/** `shop` for every module in one process, `shop-<module>` for one, `shop-gateway` for the gateway. */
export const serviceNameFor = (modules: readonly string[], all: boolean): string =>
  all ? 'shop' : `shop-${modules.join('-')}`;

interface Running {
  provider?: BasicTracerProvider;
  traces: TraceStore;
  users: number;
}

let running: Running | undefined;

/**
 * Starts this process's tracing from the OTEL_* variables: a provider whose sampler honours
 * OTEL_TRACES_SAMPLER(_ARG), feeding the trace store always and an OTLP exporter (batched per
 * OTEL_BSP_*) when an endpoint is set. With OTEL_SDK_DISABLED=true nothing is recorded, but ids
 * and propagation remain (the minimal tracer). Several hosts in one process (tests) share the
 * first one's tracing, as they would share OpenTelemetry's global provider.
 */
export function startTracing(options: TracingOptions): Tracing {
  running ??= start(options);
  const own = running;
  own.users += 1;
  let stopped = false;
  return {
    traces: own.traces,
    async stop() {
      if (stopped) return;
      stopped = true;
      own.users -= 1;
      if (own.users > 0) return;
      if (running === own) running = undefined;
      uninstallTracer();
      await own.provider?.shutdown();
    },
  };
}

function start(options: TracingOptions): Running {
  const traces = new TraceStore();
  if (getBooleanFromEnv('OTEL_SDK_DISABLED')) {
    installTracer(undefined, options.processModule);
    return { traces, users: 0 };
  }
  const exporter = exporterFromEnv();
  const processors: SpanProcessor[] = [traces, ...(exporter ? [new BatchSpanProcessor(exporter)] : [])];
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const provider = new BasicTracerProvider({ resource, spanProcessors: processors });
  installTracer(provider.getTracer('shop'), options.processModule);
  return { provider, traces, users: 0 };
}
