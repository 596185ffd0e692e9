import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('runs concurrent work for one key once and forgets it when done', async () => {
    const flights = new SingleFlight<number>();
    let calls = 0;
    const work = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return calls;
    };
    const results = await Promise.all([flights.run('a', work), flights.run('a', work), flights.run('b', work)]);
    expect(results[0]).toBe(results[1]);
    expect(calls).toBe(2);
    await flights.run('a', work);
    expect(calls).toBe(3);
  });

  it('lets a failed flight be retried', async () => {
    const flights = new SingleFlight<string>();
    await expect(flights.run('a', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(flights.run('a', async () => 'ok')).resolves.toBe('ok');
  });
});
