import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultySplit, type FaultySplit } from '../support/faulty-split.js';
import { printTable, runScenario, type ScenarioResult } from '../support/fault-scenario.js';
import { requirePostgres, requireRedis } from '../support/services.js';
import { FAULTY_LINKS, LOST_PAYMENT_ANSWERS, SPLIT_ENV } from './scenarios.js';

const available = (await requirePostgres()) && (await requireRedis());

/**
 * The fault suite's representative in `npm test` (the rest: `npm run test:faults`): the hardest case
 * for a saga, payments committing a charge whose answer orders never hears.
 */
describe.skipIf(!available)('split mode with the answers of payments lost, checked on the whole history', () => {
  let shop: FaultySplit;
  const results: ScenarioResult[] = [];

  beforeAll(async () => {
    shop = await startFaultySplit('ambiguous', FAULTY_LINKS, { env: SPLIT_ENV });
  }, 180_000);
  afterAll(async () => {
    printTable(results);
    await shop?.stop();
  }, 60_000);

  it(`${LOST_PAYMENT_ANSWERS.name}: ${LOST_PAYMENT_ANSWERS.fault}`, async () => {
    const result = await runScenario(shop, LOST_PAYMENT_ANSWERS);
    results.push(result);
    expect(result.violations).toEqual([]);
    expect(result.requests).toBeGreaterThan(10);
  }, 240_000);
});
