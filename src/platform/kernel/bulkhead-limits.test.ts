import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('BULKHEAD_* configuration', () => {
  it('gives each module half of a 256-call process by default: 128 running, 128 waiting at most 1 s', () => {
    expect(loadConfig({}).bulkhead).toEqual({ concurrency: 128, queue: 128, maxWaitMs: 1000 });
  });

  it('takes BULKHEAD_CONCURRENCY, BULKHEAD_QUEUE and BULKHEAD_MAX_WAIT', () => {
    const config = loadConfig({ BULKHEAD_CONCURRENCY: '8', BULKHEAD_QUEUE: '0', BULKHEAD_MAX_WAIT: '250' });
    expect(config.bulkhead).toEqual({ concurrency: 8, queue: 0, maxWaitMs: 250 });
  });

  it.each([
    ['BULKHEAD_CONCURRENCY', '0', 'from 1 to 10000'],
    ['BULKHEAD_CONCURRENCY', 'many', 'from 1 to 10000'],
    ['BULKHEAD_QUEUE', '-1', 'from 0 to 10000'],
    ['BULKHEAD_QUEUE', '2.5', 'from 0 to 10000'],
    ['BULKHEAD_MAX_WAIT', '60001', 'from 0 to 60000'],
  ])('refuses %s=%s with one clear message', (name, value, range) => {
    expect(() => loadConfig({ [name]: value })).toThrow(
      `Invalid configuration: ${name} must be a whole number ${range}`,
    );
  });
});
