import type { FaultySplit, Link } from '../support/faulty-split.js';
import type { Scenario } from '../support/fault-scenario.js';

/** The links the scenarios put faults on; every other link stays direct. */
export const FAULTY_LINKS: Link[] = [
  { from: 'orders', to: 'payments' },
  { from: 'orders', to: 'catalog' },
];

/**
 * Longer than a request's 10 s budget (a lapsed lease never races a checkout still in flight), shorter
 * than the pause of payments below, so the pause outlives it; short enough for quick settles.
 */
export const SPLIT_ENV = { SAGA_RECOVERY_AFTER: '12000' };

const payments = (shop: FaultySplit) => shop.proxy('orders', 'payments');
const catalog = (shop: FaultySplit) => shop.proxy('orders', 'catalog');
const paymentsProcess = (shop: FaultySplit) =>
  shop.processes.instances.find((instance) => instance.name === 'payments')!.child;

export const BLACKHOLE_PAYMENTS: Scenario = {
  name: 'a. payments blackholed',
  fault: 'orders ↔ payments: both ways swallowed, 10 s',
  inject: (shop) => payments(shop).inject('both', { blackhole: true }),
  heal: (shop) => payments(shop).heal(),
  holdMs: 10_000,
};

export const LOST_PAYMENT_ANSWERS: Scenario = {
  name: 'b. payment answers lost',
  fault: 'payments → orders answers swallowed (payments commits, orders never hears), 8 s',
  inject: (shop) => payments(shop).inject('down', { blackhole: true }),
  heal: (shop) => payments(shop).heal(),
  holdMs: 8_000,
};

export const CATALOG_RESETS: Scenario = {
  name: 'c. catalog resets',
  fault: 'orders ↔ catalog: connection reset every 2 kB, 10 s',
  inject: (shop) => catalog(shop).inject('both', { resetAfterBytes: 2048 }),
  heal: (shop) => catalog(shop).heal(),
  holdMs: 10_000,
};

export const SLOW_CATALOG: Scenario = {
  name: 'd. catalog too slow',
  fault: 'catalog → orders: +10.5 s (jitter 2 s) latency, beyond the 10 s budget, 12 s',
  inject: (shop) => catalog(shop).inject('down', { latencyMs: 10_500, jitterMs: 2_000 }),
  heal: (shop) => catalog(shop).heal(),
  holdMs: 12_000,
};

export const PAUSED_PAYMENTS: Scenario = {
  name: 'g. payments paused',
  fault: 'payments SIGSTOPped 15 s (beyond the 12 s saga lease), then SIGCONT',
  inject: (shop) => void paymentsProcess(shop).kill('SIGSTOP'),
  heal: (shop) => void paymentsProcess(shop).kill('SIGCONT'),
  holdMs: 15_000,
};

export const ALL_SCENARIOS = [BLACKHOLE_PAYMENTS, LOST_PAYMENT_ANSWERS, CATALOG_RESETS, SLOW_CATALOG, PAUSED_PAYMENTS];
