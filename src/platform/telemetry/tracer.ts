import type { Tracer } from '@opentelemetry/api';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

/**
 * Spans get W3C ids and propagate even where nothing is recorded (before the composition starts
 * tracing, in unit tests, and with OTEL_SDK_DISABLED=true): log lines, a problem's traceId and the
 * traceparent of calls and events still name the trace. An always-off sampler makes every span a
 * non-recording one, so this path costs two random ids per span.
 */
const minimal = new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('shop');

interface Installed {
  tracer: Tracer;
  /** `shop.module` of spans begun outside any module's work. */
  module: string;
}

let installed: Installed | undefined;

/** The tracer of this process: the one tracing was started with, or the minimal one. */
export const activeTracer = (): Tracer => installed?.tracer ?? minimal;

/** Ids without a record, for what would only crowd out the traces (health probes, scrapes). */
export const untracedTracer = (): Tracer => minimal;

/** The module a span belongs to when no module's work is in progress (the gateway: `gateway`). */
export const processModule = (): string => installed?.module ?? 'shop';

/** Only startTracing installs: one tracer per process, like OpenTelemetry's global one. */
export function installTracer(tracer: Tracer | undefined, module = 'shop'): void {
  installed = { tracer: tracer ?? minimal, module };
}

export const uninstallTracer = (): void => {
  installed = undefined;
};
