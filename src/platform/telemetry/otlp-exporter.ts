import { getStringFromEnv } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ConfigError } from '../kernel/config.js';
import { onDemand } from '../kernel/on-demand.js';

/**
 * The OTLP/HTTP exporter the standard variables ask for, or undefined when no endpoint is set (or
 * OTEL_TRACES_EXPORTER=none): then nothing leaves the process. The exporters read the endpoint,
 * headers, timeout and compression from the same variables themselves.
 */
export function exporterFromEnv(): SpanExporter | undefined {
  const endpoint =
    getStringFromEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? getStringFromEnv('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (!endpoint || getStringFromEnv('OTEL_TRACES_EXPORTER') === 'none') return undefined;
  const protocol =
    getStringFromEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ??
    getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL') ??
    'http/protobuf';
  if (protocol === 'http/protobuf') {
    const { OTLPTraceExporter } = onDemand<typeof import('@opentelemetry/exporter-trace-otlp-proto')>(
      '@opentelemetry/exporter-trace-otlp-proto',
    );
    return new OTLPTraceExporter();
  }
  if (protocol === 'http/json') {
    const { OTLPTraceExporter } = onDemand<typeof import('@opentelemetry/exporter-trace-otlp-http')>(
      '@opentelemetry/exporter-trace-otlp-http',
    );
    return new OTLPTraceExporter();
  }
  throw new ConfigError(
    `Invalid configuration: OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported; use http/protobuf or http/json`,
  );
}
