import { describe, expect, it } from 'vitest';
import { captureLogger } from '../../../test/support/events-fixtures.js';
import { assertNoEviction } from './redis-eviction-check.js';

const redisReplying = (reply: () => Promise<unknown>) => ({ config: reply });

describe('assertNoEviction', () => {
  it('accepts noeviction silently', async () => {
    const { logger, lines } = captureLogger();
    await assertNoEviction(
      redisReplying(async () => ['maxmemory-policy', 'noeviction']),
      logger,
    );
    expect(lines).toHaveLength(0);
  });

  it('refuses an evicting policy with a one-line message naming the policy and the fix', async () => {
    const check = assertNoEviction(
      redisReplying(async () => ['maxmemory-policy', 'allkeys-lru']),
      captureLogger().logger,
    );
    await expect(check).rejects.toThrow(
      /^Redis maxmemory-policy is "allkeys-lru" but the BullMQ event bus needs "noeviction".*CONFIG SET maxmemory-policy noeviction$/,
    );
  });

  it('warns and goes on when CONFIG is not permitted', async () => {
    const { logger, lines } = captureLogger();
    await assertNoEviction(
      redisReplying(async () =>
        Promise.reject(new Error("NOPERM this user has no permissions to run the 'config|get' command")),
      ),
      logger,
    );
    expect(lines).toMatchObject([{ level: 40 }]);
  });
});
