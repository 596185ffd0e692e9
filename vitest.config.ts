import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/fixtures/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files run in parallel, each with its own data directory, database and Redis prefix.
    maxWorkers: 2,
    // tsyringe needs the Reflect polyfill before any decorated class loads (main.ts imports it first too).
    setupFiles: ['reflect-metadata'],
  },
});
