export interface EventuallyOptions<T> {
  /** Whether a probed value is the awaited one; by default any value but `undefined` and `false`. */
  until?: (value: T) => boolean;
  /** 10 s unless given. */
  timeoutMs?: number;
  /** Pause between two probes; 20 ms unless given. */
  everyMs?: number;
  /**
   * What a timeout does: `'throw'` (the default) fails naming what was awaited; `'return'` hands back
   * the last value probed, for the test to assert on (its failure then shows what was seen).
   */
  onTimeout?: 'throw' | 'return';
}

const settled = (value: unknown) => value !== undefined && value !== false;

/** Probes until the value is the awaited one, and resolves that value. */
export async function eventually<T>(
  what: string,
  probe: () => T | Promise<T>,
  options: EventuallyOptions<T> = {},
): Promise<T> {
  const { until = settled, timeoutMs = 10_000, everyMs = 20, onTimeout = 'throw' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (until(value)) return value;
    if (Date.now() > deadline) {
      if (onTimeout === 'return') return value;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
