import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PaymentProvider } from '../../src/modules/payments/application/ports/payment-provider.port.js';
import { PAYMENTS_REPOSITORY } from '../../src/modules/payments/application/ports/payments.repository.port.js';
import { PAYMENTS_API } from '../../src/modules/payments/contract/payments.contract.js';
import { AppError } from '../../src/platform/kernel/errors.js';
import { createServiceTokens } from '../../src/platform/rpc/service-token.js';
import { eventually } from '../support/eventually.js';
import { moduleKnex } from '../support/module-db.js';
import type { TestShop } from '../support/shop.js';

/** What the payments suite started: the shop (its payments module in this process) and its provider. */
export interface PaymentsFixture {
  shop: TestShop;
  provider: PaymentProvider;
  secret: string;
}

const input = (token: string) => {
  const orderId = `order-${randomUUID()}`;
  return { orderId, userId: 'user-1', amountCents: 700, currency: 'USD', token, idempotencyKey: `key-${orderId}` };
};

/**
 * Charges whose key is at the provider: a caller is never made to wait for the provider twice, nor
 * past its own time budget, and never gets a second provider call for one key.
 */
export function describeChargesInFlight(fixture: () => PaymentsFixture): void {
  describe('charges in flight', () => {
    afterEach(() => vi.restoreAllMocks());

    const payments = () => fixture().shop.host.modules.get('payments')!.container;
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'answered',
        (error: unknown) => (error instanceof AppError ? error.code : String(error)),
      );

    it('answers "in progress" within the caller\'s budget, replays from the record, with one provider call', async () => {
      const { shop, provider, secret } = fixture();
      const spy = vi.spyOn(provider, 'authorizeAndCapture');
      const charge = input('tok_slow_1500');
      const chargeOverHttp = async () =>
        shop.request('POST', '/internal/payments/charge', {
          // The caller waits 500 ms for this call: payments must answer before then.
          headers: {
            'x-internal-token': await createServiceTokens(secret).forCallee('payments'),
            'x-shop-budget-ms': '500',
          },
          body: { input: charge },
        });
      const api = payments().resolve(PAYMENTS_API);

      const first = await chargeOverHttp();
      expect([first.status, first.body.code]).toEqual([409, 'idempotency_key_in_use']);
      const replay = await chargeOverHttp();
      expect([replay.status, replay.body.code]).toEqual([409, 'idempotency_key_in_use']);
      expect(await code(api.findCharge({ idempotencyKey: charge.idempotencyKey }))).toBe('idempotency_key_in_use');

      const captured = await eventually('the charge recorded', () =>
        api.findCharge({ idempotencyKey: charge.idempotencyKey }).catch(() => undefined),
      );
      expect(captured).toMatchObject({ orderId: charge.orderId, amountCents: 700, status: 'captured' });
      const later = await chargeOverHttp();
      expect([later.status, later.body.output]).toEqual([200, captured]);
      expect(spy.mock.calls.length).toBe(1);
      const db = moduleKnex(shop, 'payments');
      expect(await db('payments').where({ idempotency_key: charge.idempotencyKey }).select('status')).toEqual([
        { status: 'captured' },
      ]);
      expect(await db('charge_claims').where({ idempotency_key: charge.idempotencyKey })).toEqual([]);
    });

    it('frees the key at once when the provider fails, so the next try calls it again', async () => {
      const { provider } = fixture();
      const spy = vi
        .spyOn(provider, 'authorizeAndCapture')
        .mockRejectedValueOnce(new AppError('service_unavailable', 'provider down (injected)'));
      const api = payments().resolve(PAYMENTS_API);
      const charge = input('tok_visa');
      expect(await code(api.charge(charge))).toBe('service_unavailable');
      expect(await api.charge(charge)).toMatchObject({ status: 'captured' });
      expect(spy.mock.calls.length).toBe(2);
    });

    it('lets a claim that ran out be taken over or swept, and only its holder end it', async () => {
      const repository = payments().resolve(PAYMENTS_REPOSITORY);
      const key = `key-${randomUUID()}`;
      const now = Date.now();
      const first = { idempotencyKey: key, owner: randomUUID(), until: now + 1000 };
      const second = { idempotencyKey: key, owner: randomUUID(), until: now + 5000 };

      expect(await repository.claimCharge(first, now)).toBe(true);
      expect(await repository.claimCharge(second, now + 999)).toBe(false);
      expect([await repository.isCharging(key, now + 1000), await repository.isCharging(key, now + 1001)]).toEqual([
        true,
        false,
      ]);
      // The first holder's process died (or its call hung) and its claim ran out.
      expect(await repository.claimCharge(second, now + 1001)).toBe(true);
      await repository.releaseCharge(first);
      expect(await repository.isCharging(key, now + 2000)).toBe(true);
      await repository.releaseCharge(second);
      expect(await repository.isCharging(key, now + 2000)).toBe(false);

      // A claim its process left behind (it died mid-charge) is swept once it has run out, not before.
      const left = { idempotencyKey: `key-${randomUUID()}`, owner: randomUUID(), until: now + 1000 };
      expect(await repository.claimCharge(left, now)).toBe(true);
      await repository.purgeExpiredClaims(now + 999, 500);
      expect(await repository.isCharging(left.idempotencyKey, now + 999)).toBe(true);
      expect(await repository.purgeExpiredClaims(now + 1001, 500)).toBeGreaterThanOrEqual(1);
      const db = moduleKnex(fixture().shop, 'payments');
      expect(await db('charge_claims').where({ idempotency_key: left.idempotencyKey })).toEqual([]);
    });
  });
}
