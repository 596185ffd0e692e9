import {
  context,
  createContextKey,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { AppError } from '../kernel/errors.js';
import { ATTR } from './span-attributes.js';
import { activeTracer, processModule, untracedTracer } from './tracer.js';

export { SpanKind, type Span };

const MODULE = createContextKey('shop.module');

/** The module whose work is in progress (set by the span that entered it), else the process's. */
export const currentModule = (active: Context = context.active()): string =>
  (active.getValue(MODULE) as string | undefined) ?? processModule();

export interface SpanOptions {
  kind?: SpanKind;
  /** The module the span's work belongs to, from here down; by default the current one. */
  module?: string;
  attributes?: Attributes;
  /** Where the span hangs; by default the active context (a remote or stored one for servers and events). */
  parent?: Context;
  /** Ids only, never recorded: for what would crowd out the traces (health probes, scrapes). */
  untraced?: boolean;
}

/**
 * Starts a span and returns it with the context its work runs in. Attributes are set only on a
 * recording span: with tracing off (or a trace not sampled) a span is only its ids.
 */
export function openSpan(name: string, options: SpanOptions = {}): { span: Span; context: Context } {
  const parent = options.parent ?? context.active();
  const span = (options.untraced ? untracedTracer() : activeTracer()).startSpan(name, { kind: options.kind }, parent);
  const module = options.module ?? currentModule(parent);
  if (span.isRecording()) {
    span.setAttribute(ATTR.module, module);
    if (options.attributes) span.setAttributes(options.attributes);
  }
  let active = trace.setSpan(parent, span);
  if (options.module) active = active.setValue(MODULE, options.module);
  return { span, context: active };
}

/** Runs `work` in a new span that ends when it settles, with an error status when it throws. */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const { span, context: active } = openSpan(name, options);
  try {
    return await context.with(active, work, undefined, span);
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Marks the span with what `error` says: its code, and an error status unless it is an expected
 * refusal (a 4xx AppError such as out_of_stock is an answer, not a failure of the span).
 */
export function failSpan(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  if (error instanceof AppError) span.setAttribute(ATTR.errorCode, error.code);
  if (error instanceof AppError && error.status < 500) return;
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
}

/** Runs `work` as part of `module`'s work (a background task), without a span of its own. */
export const inModule = <T>(module: string, work: () => T): T =>
  context.with(context.active().setValue(MODULE, module), work);

/** Sets attributes on the current span when it records (e.g. the order id once a handler knows it). */
export function annotate(attributes: Attributes): void {
  const span = trace.getSpan(context.active());
  if (span?.isRecording()) span.setAttributes(attributes);
}

/** True when the current unit of work is in a trace that records: cheap seams skip spans otherwise. */
export const isTracing = (): boolean => trace.getSpan(context.active())?.isRecording() ?? false;

/** Runs `work` as `module`'s (a route of it): the current span is marked as its, and so are spans below. */
export function asModule<T>(module: string, work: () => T): T {
  annotate({ [ATTR.module]: module });
  return inModule(module, work);
}
