import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultySplit, type FaultySplit } from '../support/faulty-split.js';
import { printTable, runScenario, type ScenarioResult } from '../support/fault-scenario.js';
import { requirePostgres, requireRedis } from '../support/services.js';
import { ALL_SCENARIOS, FAULTY_LINKS, SPLIT_ENV } from './scenarios.js';

const available = (await requirePostgres()) && (await requireRedis());

describe.skipIf(!available)('split mode under network faults, checked on the whole history', () => {
  let shop: FaultySplit;
  const results: ScenarioResult[] = [];

  beforeAll(async () => {
    shop = await startFaultySplit('faults', FAULTY_LINKS, { env: SPLIT_ENV });
  }, 180_000);
  afterAll(async () => {
    printTable(results);
    await shop?.stop();
  }, 60_000);

  for (const scenario of ALL_SCENARIOS)
    it(`${scenario.name}: ${scenario.fault}`, async () => {
      const result = await runScenario(shop, scenario);
      results.push(result);
      expect(result.violations).toEqual([]);
      expect(result.requests).toBeGreaterThan(10);
    }, 240_000);
});
