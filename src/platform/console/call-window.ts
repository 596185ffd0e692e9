import type { CallSeries } from './process-snapshot.js';

/** The calls from one module to one operation of another, one way of travelling, as the console shows them. */
export interface CallEdge {
  caller: string;
  callee: string;
  operation: string;
  transport: string;
  /** Since the processes started. */
  calls: number;
  errors: number;
  /** Calls per second over the last minute (null until two readings are a second apart). */
  ratePerSecond: number | null;
  /** Latency quantiles over the last minute's calls, or since the start when the minute had none. */
  p50Ms: number | null;
  p99Ms: number | null;
}

interface Totals {
  calls: number;
  errors: number;
  bounds: number[];
  buckets: number[];
}

const WINDOW_MS = 60_000;

/**
 * Turns counters (since each process started) into what happened lately: it keeps the readings of
 * the last minute and compares the newest with the oldest. Instances of one module are summed.
 */
export class CallWindow {
  private readings: { at: number; totals: Map<string, Totals> }[] = [];

  edges(series: CallSeries[], now = Date.now()): CallEdge[] {
    const totals = sum(series);
    this.readings = this.readings.filter((reading) => now - reading.at <= WINDOW_MS);
    const oldest = this.readings[0];
    this.readings.push({ at: now, totals });
    const seconds = oldest ? (now - oldest.at) / 1000 : 0;
    return [...totals].map(([key, current]) => {
      const [caller, callee, operation, transport] = key.split('\u0000');
      const before = oldest?.totals.get(key);
      const recent = before && current.calls >= before.calls ? minus(current, before) : undefined;
      const latency = recent && recent.calls > 0 ? recent : current;
      return {
        caller,
        callee,
        operation,
        transport,
        calls: current.calls,
        errors: current.errors,
        ratePerSecond: seconds >= 1 ? round((current.calls - (before?.calls ?? 0)) / seconds) : null,
        p50Ms: quantileMs(latency, 0.5),
        p99Ms: quantileMs(latency, 0.99),
      };
    });
  }
}

function sum(series: CallSeries[]): Map<string, Totals> {
  const totals = new Map<string, Totals>();
  for (const s of series) {
    const key = [s.caller, s.callee, s.operation, s.transport].join('\u0000');
    const entry = totals.get(key) ?? { calls: 0, errors: 0, bounds: s.buckets.map(([le]) => le), buckets: [] };
    entry.calls += s.count;
    if (s.outcome !== 'ok') entry.errors += s.count;
    s.buckets.forEach(([, count], i) => (entry.buckets[i] = (entry.buckets[i] ?? 0) + count));
    totals.set(key, entry);
  }
  return totals;
}

const minus = (a: Totals, b: Totals): Totals => ({
  calls: a.calls - b.calls,
  errors: a.errors - b.errors,
  bounds: a.bounds,
  buckets: a.buckets.map((count, i) => count - (b.buckets[i] ?? 0)),
});

/** Prometheus' histogram_quantile: linear within the bucket the rank falls in; past the last bound, that bound. */
function quantileMs(totals: Totals, q: number): number | null {
  if (totals.calls === 0) return null;
  const rank = q * totals.calls;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < totals.bounds.length; i++) {
    const upper = totals.bounds[i];
    const atOrUnder = totals.buckets[i] ?? 0;
    if (atOrUnder >= rank) {
      const inBucket = atOrUnder - below;
      const fraction = inBucket > 0 ? (rank - below) / inBucket : 1;
      return round((lower + (upper - lower) * fraction) * 1000);
    }
    lower = upper;
    below = atOrUnder;
  }
  return round(lower * 1000);
}

const round = (value: number) => Math.round(value * 100) / 100;
