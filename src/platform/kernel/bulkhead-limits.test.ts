import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('BULKHEAD_* configuration', () => {
  it('gives each module half of a 256-call process by default: 128 running, 128 waiting at most 1 s, 64 per client', () => {
    expect(loadConfig({}).bulkhead).toEqual({ concurrency: 128, queue: 128, maxWaitMs: 1000, perClient: 64 });
  });

  it('takes BULKHEAD_CONCURRENCY, BULKHEAD_QUEUE, BULKHEAD_MAX_WAIT and BULKHEAD_CLIENT_SHARE (a percent of the places)', () => {
    const config = loadConfig({
      BULKHEAD_CONCURRENCY: '8',
      BULKHEAD_QUEUE: '0',
      BULKHEAD_MAX_WAIT: '250',
      BULKHEAD_CLIENT_SHARE: '50',
    });
    expect(config.bulkhead).toEqual({ concurrency: 8, queue: 0, maxWaitMs: 250, perClient: 4 });
  });

  it('gives every client at least one place, and no limit per client at BULKHEAD_CLIENT_SHARE=100', () => {
    expect(
      loadConfig({ BULKHEAD_CONCURRENCY: '2', BULKHEAD_QUEUE: '0', BULKHEAD_CLIENT_SHARE: '1' }).bulkhead.perClient,
    ).toBe(1);
    expect(loadConfig({ BULKHEAD_CLIENT_SHARE: '100' }).bulkhead.perClient).toBeUndefined();
  });

  it.each([
    ['BULKHEAD_CONCURRENCY', '0', 'from 1 to 10000'],
    ['BULKHEAD_CONCURRENCY', 'many', 'from 1 to 10000'],
    ['BULKHEAD_QUEUE', '-1', 'from 0 to 10000'],
    ['BULKHEAD_QUEUE', '2.5', 'from 0 to 10000'],
    ['BULKHEAD_MAX_WAIT', '60001', 'from 0 to 60000'],
    ['BULKHEAD_CLIENT_SHARE', '0', 'from 1 to 100'],
    ['BULKHEAD_CLIENT_SHARE', '101', 'from 1 to 100'],
  ])('refuses %s=%s with one clear message', (name, value, range) => {
    expect(() => loadConfig({ [name]: value })).toThrow(
      `Invalid configuration: ${name} must be a whole number ${range}`,
    );
  });
});
