import { getStringFromEnv } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ConfigError } from '../kernel/config.js';

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
  if (protocol === 'http/protobuf') return new ProtobufExporter();
  if (protocol === 'http/json') return new JsonExporter();
  throw new ConfigError(
    `Invalid configuration: OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported; use http/protobuf or http/json`,
  );
}
