import { defineConfig } from 'vitest/config';

/** Tests that compare latencies measured while they run (`*.timing.test.ts`). */
const TIMING = 'test/**/*.timing.test.ts';
/** The fault suite (`*.faults.test.ts`): minutes long, run by `npm run test:faults` (vitest.faults.config.ts). */
export const FAULTS = 'test/**/*.faults.test.ts';

export const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // tsyringe needs the Reflect polyfill before any decorated class loads (main.ts imports it first too).
  setupFiles: ['reflect-metadata'],
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'suite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/fixtures/**', 'node_modules/**', TIMING, FAULTS],
          // Two cores: files run in parallel, each with its own data directory, database and Redis prefix.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'timing',
          include: [TIMING],
          // Alone, after the rest: latencies measured beside other test files measure those files.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
