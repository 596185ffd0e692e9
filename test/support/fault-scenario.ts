import { createLoadFixture, startCheckoutLoad } from './fault-load.js';
import { eventually } from './eventually.js';
import type { FaultySplit } from './faulty-split.js';
import { check, type CheckBounds, type History } from './history-checker.js';
import { ShopSnapshot } from './shop-snapshot.js';

/** A fault switched on under a checkout load, held, then healed. */
export interface Scenario {
  name: string;
  /** What the fault is, for the table. */
  fault: string;
  inject(shop: FaultySplit): void | Promise<void>;
  heal(shop: FaultySplit): void | Promise<void>;
  holdMs: number;
  bounds?: Partial<CheckBounds>;
}

/** One line of the table a fault run prints. */
export interface ScenarioResult {
  scenario: string;
  fault: string;
  requests: number;
  answers: string;
  verdict: string;
  worstLatencyMs: number;
  settleMs: number | string;
  violations: string[];
  /** The distinct details of the 503 answers, for the report. */
  unavailable: string[];
  /** The final states of the run's orders. */
  orders: string;
}

/** The gateway's 10 s budget plus a margin for a machine loaded by other test runs. */
const DEFAULT_BOUNDS: CheckBounds = { maxLatencyMs: 10_000 + 5_000, settleWithinMs: 90_000 };
const WARMUP_REQUESTS = 8;
const TAIL_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a scenario on a running faulty split: fresh products and customers, a checkout load, the
 * fault once the load has warmed up, the heal after `holdMs`, a short tail of load, then waits for
 * every order to be final (up to the settle bound) and checks the whole history.
 */
export async function runScenario(shop: FaultySplit, scenario: Scenario): Promise<ScenarioResult> {
  const bounds = { ...DEFAULT_BOUNDS, ...scenario.bounds };
  const fixture = await createLoadFixture(shop.call, shop.processes.urls.gateway, scenario.name);
  const snapshot = new ShopSnapshot(shop.env);
  try {
    const load = startCheckoutLoad(fixture);
    await eventually('the load to warm up', () => load.exchanges.length >= WARMUP_REQUESTS, { timeoutMs: 60_000 });
    await scenario.inject(shop);
    await sleep(scenario.holdMs);
    await scenario.heal(shop);
    const healedAt = Date.now();
    await sleep(TAIL_MS);
    await load.stop();
    const settled = await eventually('every order to settle', () => snapshot.settled(fixture), {
      timeoutMs: bounds.settleWithinMs,
      everyMs: 500,
      onTimeout: 'return',
    });
    const settledAt = settled ? Date.now() : undefined;
    const history: History = { exchanges: load.exchanges, final: await snapshot.final(fixture), healedAt, settledAt };
    return summarise(scenario, history, check(history, bounds));
  } finally {
    await snapshot.close();
  }
}

function summarise(scenario: Scenario, history: History, violations: string[]): ScenarioResult {
  return {
    scenario: scenario.name,
    fault: scenario.fault,
    requests: history.exchanges.length,
    answers: tally(history.exchanges.map(({ kind, status }) => `${kind === 'cancel' ? 'cancel ' : ''}${status}`)),
    verdict: violations.length === 0 ? 'ok' : `${violations.length} violations`,
    worstLatencyMs: Math.max(0, ...history.exchanges.map((e) => e.endedAt - e.startedAt)),
    settleMs: history.settledAt === undefined ? 'never' : history.settledAt - history.healedAt,
    violations,
    unavailable: [...new Set(history.exchanges.filter((e) => e.status === 503).map((e) => e.detail ?? ''))],
    orders: tally(history.final.orders.map((order) => order.status)),
  };
}

const tally = (values: string[]) => {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${value}×${n}`).join(' ');
};

/** Prints the runs of a file as a table (the violations, when any, below it). */
export function printTable(results: ScenarioResult[]): void {
  console.table(results.map(({ violations: _violations, unavailable: _unavailable, ...row }) => row));
  for (const result of results) {
    if (result.unavailable.length > 0)
      console.log(`${result.scenario}, 503 details: ${result.unavailable.join(' | ')}`);
    if (result.violations.length > 0)
      console.log(`${result.scenario}, violations:\n  ${result.violations.slice(0, 20).join('\n  ')}`);
  }
}
