import { contextFrom, runWithContext } from '../context.js';
import type { EventEnvelope } from './event.js';

/**
 * Runs `fn` as part of the trace that published `envelope`: same trace id and request id, a new
 * span. Log lines written by the consumer (and calls it makes) then name the originating request.
 */
export const runInEventContext = <T>(envelope: Pick<EventEnvelope, 'traceparent' | 'requestId'>, fn: () => T): T =>
  runWithContext(contextFrom({ traceparent: envelope.traceparent, requestId: envelope.requestId }), fn);
