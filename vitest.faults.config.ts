import { defineConfig } from 'vitest/config';
import { FAULTS, shared } from './vitest.config.js';

/** `npm run test:faults`: the fault scenarios, one file at a time (each runs a split shop under load). */
export default defineConfig({
  test: {
    ...shared,
    include: [FAULTS],
    fileParallelism: false,
  },
});
