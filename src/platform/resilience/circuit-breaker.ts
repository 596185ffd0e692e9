import CircuitBreaker from 'opossum';
import type { Gauge, Registry } from 'prom-client';
import { gauge } from '../telemetry/metrics.js';
import type { Logger } from '../kernel/logger.js';

export interface BreakerOptions {
  name: string;
  logger: Logger;
  registry: Registry;
  /** Errors that say nothing about the dependency's health (e.g. a 4xx answer) and must not trip it. */
  isHealthyFailure(error: unknown): boolean;
}

/** The breaker refused the call without trying it: the dependency failed too often lately. */
export class CircuitOpenError extends Error {
  constructor(name: string) {
    super(`${name} is unavailable (circuit open)`);
  }
}

export interface Breaker {
  fire<T>(call: () => Promise<T>): Promise<T>;
  /** Open: calls are refused until the cool-down ends and a trial call is let through. */
  isOpen(): boolean;
  shutdown(): void;
}

const STATE_VALUE = { closed: 0, halfOpen: 1, open: 2 } as const;

const breakerGauge = (registry: Registry): Gauge<'dependency'> =>
  gauge(registry, {
    name: 'circuit_breaker_state',
    help: 'Circuit breaker state per dependency (0 closed, 1 half-open, 2 open)',
    labelNames: ['dependency'],
  });

/**
 * Wraps calls to one dependency in an opossum breaker: after half the calls in a 10 s window fail
 * (at least 5), calls fail fast with CircuitOpenError for 5 s, then one trial call is let through.
 */
export function createBreaker(options: BreakerOptions): Breaker {
  const breaker = new CircuitBreaker(<T>(call: () => Promise<T>) => call(), {
    name: options.name,
    timeout: false,
    errorThresholdPercentage: 50,
    volumeThreshold: 5,
    rollingCountTimeout: 10_000,
    resetTimeout: 5_000,
    errorFilter: options.isHealthyFailure,
  });
  const gauge = breakerGauge(options.registry);
  gauge.set({ dependency: options.name }, STATE_VALUE.closed);
  const onState = (state: keyof typeof STATE_VALUE) => () => {
    gauge.set({ dependency: options.name }, STATE_VALUE[state]);
    options.logger.warn({ dependency: options.name, state }, 'circuit breaker state changed');
  };
  breaker.on('open', onState('open'));
  breaker.on('halfOpen', onState('halfOpen'));
  breaker.on('close', onState('closed'));
  return {
    async fire<T>(call: () => Promise<T>): Promise<T> {
      try {
        return (await breaker.fire(call)) as T;
      } catch (error) {
        if ((error as { code?: string }).code === 'EOPENBREAKER') throw new CircuitOpenError(options.name);
        throw error;
      }
    },
    isOpen: () => breaker.opened,
    shutdown: () => breaker.shutdown(),
  };
}
