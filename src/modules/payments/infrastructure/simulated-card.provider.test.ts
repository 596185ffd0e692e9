import { describe, expect, it } from 'vitest';
import { delayOf, SimulatedCardProvider } from './simulated-card.provider.js';

const provider = new SimulatedCardProvider();
const capture = (token: string, reference = 'key-1') =>
  provider.authorizeAndCapture({ amountCents: 1999, currency: 'USD', token, reference });

describe('SimulatedCardProvider', () => {
  it('approves any tok_ token but tok_chargeDeclined', async () => {
    await expect(capture('tok_visa')).resolves.toMatchObject({ approved: true });
    await expect(capture('tok_4242_ok')).resolves.toMatchObject({ approved: true });
    await expect(capture('tok_chargeDeclined')).resolves.toMatchObject({
      approved: false,
      declineReason: 'card_declined',
    });
  });

  it('approves tok_slow_<ms> after that many milliseconds, and out-of-range ones at once', async () => {
    const timed = async (token: string) => {
      const started = performance.now();
      const result = await capture(token);
      return { approved: result.approved, ms: performance.now() - started };
    };
    const [slow, tooSlow, zero] = await Promise.all([
      timed('tok_slow_300'),
      timed('tok_slow_10001'),
      timed('tok_slow_0'),
    ]);
    expect(slow.approved).toBe(true);
    expect(slow.ms).toBeGreaterThanOrEqual(295);
    expect(slow.ms).toBeLessThan(2000);
    expect(tooSlow).toMatchObject({ approved: true });
    expect(tooSlow.ms).toBeLessThan(200);
    expect(zero).toMatchObject({ approved: true });
    expect(zero.ms).toBeLessThan(200);
    expect(delayOf('tok_slow_1')).toBe(1);
    expect(delayOf('tok_slow_10000')).toBe(10_000);
    expect(delayOf('tok_slow_abc')).toBe(0);
  });

  it('declines malformed tokens as invalid instead of failing', async () => {
    for (const token of ['visa', 'tok_', 'tok_a-b', 'TOK_visa', 'tok_visa ', '']) {
      await expect(capture(token)).resolves.toMatchObject({ approved: false, declineReason: 'invalid_token' });
    }
  });

  it('returns the same provider reference for the same idempotency reference', async () => {
    const [first, again, other] = await Promise.all([
      capture('tok_visa', 'k'),
      capture('tok_visa', 'k'),
      capture('tok_visa', 'k2'),
    ]);
    expect(again.providerReference).toBe(first.providerReference);
    expect(other.providerReference).not.toBe(first.providerReference);
    const refund = await provider.refund({
      providerReference: first.providerReference,
      amountCents: 1999,
      currency: 'USD',
      reference: 'refund:k',
    });
    expect(refund.providerReference).toMatch(/^sim_re_/);
  });
});
