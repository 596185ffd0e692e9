import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  PAYMENT_PROVIDER,
  type PaymentProvider,
} from '../../src/modules/payments/application/ports/payment-provider.port.js';
import { PAYMENTS_REPOSITORY } from '../../src/modules/payments/application/ports/payments.repository.port.js';
import { PAYMENT_CAPTURED } from '../../src/modules/payments/contract/payments.events.js';
import type { Payment } from '../../src/modules/payments/domain/payment.js';
import {
  type PaymentsApi,
  paymentsContract,
  PAYMENTS_API,
} from '../../src/modules/payments/contract/payments.contract.js';
import { AppError } from '../../src/platform/kernel/errors.js';
import { createMetrics } from '../../src/platform/telemetry/metrics.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { createContractClient } from '../../src/platform/rpc/contract-client.js';
import { createServiceTokens } from '../../src/platform/rpc/service-token.js';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { describeChargesInFlight } from './charges-in-flight.js';

/** Environment for one database backend: extra env for the shop and a cleanup once it stopped. */
export interface Backend {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

const SECRET = 'payments-test-internal-token-secret-0123456789';

const chargeInput = (overrides: Partial<Parameters<PaymentsApi['charge']>[0]> = {}) => ({
  orderId: `order-${randomUUID()}`,
  userId: 'user-1',
  amountCents: 2599,
  currency: 'USD',
  token: 'tok_visa',
  idempotencyKey: `key-${randomUUID()}`,
  ...overrides,
});

const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

/** The whole payments specification, run against one database backend. */
export function describePayments(label: string, backend: () => Promise<Backend>): void {
  describe(`payments on ${label}`, () => {
    let shop: TestShop;
    let setup: Backend;
    let provider: PaymentProvider;
    const apis: Record<'in-process' | 'over HTTP', () => PaymentsApi> = {
      'in-process': () => shop.host.container.resolve(PAYMENTS_API),
      'over HTTP': () => remote,
    };
    let remote: PaymentsApi;

    const db = () => moduleKnex(shop, 'payments');
    const countPayments = async (where: Record<string, string>) =>
      Number((await db()('payments').where(where).count({ n: '*' }))[0].n);
    const countEvents = async (name: string, paymentId: string) =>
      Number(
        (
          await db()('outbox')
            .where({ name })
            .andWhere('envelope', 'like', `%"paymentId":"${paymentId}"%`)
            .count({ n: '*' })
        )[0].n,
      );

    beforeAll(async () => {
      setup = await backend();
      shop = await startTestShop({ ...setup.env, INTERNAL_TOKEN_SECRET: SECRET });
      provider = shop.host.modules.get('payments')!.container.resolve(PAYMENT_PROVIDER);
      remote = createContractClient(paymentsContract, [shop.url], {
        logger: createLogger('silent'),
        metrics: createMetrics(),
        serviceTokens: createServiceTokens(SECRET),
      }).api;
    });

    afterAll(async () => {
      await shop?.stop();
      await setup?.cleanup();
    });

    describe.each(Object.keys(apis) as (keyof typeof apis)[])('the contract %s', (via) => {
      const api = () => apis[via]();

      it('makes exactly one payment and one provider call for 20 concurrent charges with one key', async () => {
        const spy = vi.spyOn(provider, 'authorizeAndCapture');
        const input = chargeInput();
        let providerCalls: number;
        let settled: PromiseSettledResult<Awaited<ReturnType<PaymentsApi['charge']>>>[];
        try {
          settled = await Promise.allSettled(Array.from({ length: 20 }, () => api().charge(input)));
          providerCalls = spy.mock.calls.length;
        } finally {
          spy.mockRestore();
        }

        // Each call got the payment, or "in progress" if it came while the first was at the provider.
        const results = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
        const refusals = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
        expect(results.length).toBeGreaterThanOrEqual(1);
        expect(refusals.map((error) => (error as AppError).code)).toEqual(refusals.map(() => 'idempotency_key_in_use'));
        expect(providerCalls).toBe(1);
        expect(new Set(results.map((payment) => payment.id)).size).toBe(1);
        expect(await api().charge(input)).toEqual(results[0]);
        expect(results[0]).toMatchObject({
          orderId: input.orderId,
          userId: 'user-1',
          amountCents: 2599,
          currency: 'USD',
          status: 'captured',
        });
        expect(await countPayments({ idempotency_key: input.idempotencyKey })).toBe(1);
        expect(await countEvents('payment.captured', results[0].id)).toBe(1);
        const [row] = await db()('payments').where({ idempotency_key: input.idempotencyKey });
        expect(row.provider_reference).toMatch(/^sim_ch_/);
      });

      it('returns the first payment when the same key is charged again later', async () => {
        const input = chargeInput();
        const first = await api().charge(input);
        const again = await api().charge({ ...input, amountCents: 1, token: 'tok_chargeDeclined' });
        expect(again).toEqual(first);
        expect(await api().findCharge({ idempotencyKey: input.idempotencyKey })).toEqual(first);
        expect(await countEvents('payment.captured', first.id)).toBe(1);
      });

      it('stores a decline as a declined payment, without an event', async () => {
        const input = chargeInput({ token: 'tok_chargeDeclined' });
        const declined = await api().charge(input);
        expect(declined).toMatchObject({ status: 'declined', amountCents: 2599, orderId: input.orderId });
        expect(await api().getPayment({ id: declined.id })).toEqual(declined);
        expect(await api().findCharge({ idempotencyKey: input.idempotencyKey })).toEqual(declined);
        expect(await countPayments({ id: declined.id, status: 'declined' })).toBe(1);
        expect(await countEvents('payment.captured', declined.id)).toBe(0);
        const [row] = await db()('payments').where({ id: declined.id });
        expect(row.decline_reason).toBe('card_declined');
      });

      it('declines a malformed card token instead of failing', async () => {
        const declined = await api().charge(chargeInput({ token: 'not-a-token' }));
        expect(declined.status).toBe('declined');
        const [row] = await db()('payments').where({ id: declined.id });
        expect(row.decline_reason).toBe('invalid_token');
      });

      it('captures a tok_slow_300 charge after 300 ms, and tok_slow_10001 (out of range) at once', async () => {
        const timedCharge = async (token: string) => {
          const startedAt = performance.now();
          const payment = await api().charge(chargeInput({ token }));
          return { status: payment.status, ms: performance.now() - startedAt };
        };
        const [slow, outOfRange] = await Promise.all([timedCharge('tok_slow_300'), timedCharge('tok_slow_10001')]);
        expect(slow.status).toBe('captured');
        expect(slow.ms).toBeGreaterThanOrEqual(295);
        expect(slow.ms).toBeLessThan(3000);
        expect(outOfRange.status).toBe('captured');
        expect(outOfRange.ms).toBeLessThan(295);
      });

      it('refunds once however often refund is called', async () => {
        const captured = await api().charge(chargeInput());
        const refunds = await Promise.all([
          api().refund({ paymentId: captured.id }),
          api().refund({ paymentId: captured.id }),
        ]);
        const later = await api().refund({ paymentId: captured.id });

        for (const refunded of [...refunds, later]) expect(refunded).toEqual({ ...captured, status: 'refunded' });
        expect(await api().getPayment({ id: captured.id })).toMatchObject({ status: 'refunded' });
        expect(await countPayments({ id: captured.id, status: 'refunded' })).toBe(1);
        expect(await countEvents('payment.refunded', captured.id)).toBe(1);
        expect(await countEvents('payment.captured', captured.id)).toBe(1);
      });

      it('refuses to refund a declined payment and knows no unknown one', async () => {
        const declined = await api().charge(chargeInput({ token: 'tok_chargeDeclined' }));
        expect((await rejection(api().refund({ paymentId: declined.id }))).code).toBe('invalid_state');
        expect(await countPayments({ id: declined.id, status: 'declined' })).toBe(1);
        expect(await countEvents('payment.refunded', declined.id)).toBe(0);
        expect((await rejection(api().refund({ paymentId: randomUUID() }))).code).toBe('not_found');
        expect((await rejection(api().getPayment({ id: randomUUID() }))).code).toBe('not_found');
        expect(await api().findCharge({ idempotencyKey: `never-${randomUUID()}` })).toBeNull();
      });
    });

    it('lets the unique key, not a prior lookup, decide between 20 concurrent inserts', async () => {
      // Below the claims: as if 20 processes had charged the same key at once.
      const repository = shop.host.modules.get('payments')!.container.resolve(PAYMENTS_REPOSITORY);
      const key = `key-${randomUUID()}`;
      const now = new Date().toISOString();
      const attempts = Array.from({ length: 20 }, (_, i): Payment => ({
        id: randomUUID(),
        idempotencyKey: key,
        orderId: 'order-race',
        userId: 'user-1',
        amountCents: 100 + i,
        currency: 'USD',
        status: 'captured',
        providerReference: 'sim_ch_race',
        declineReason: null,
        createdAt: now,
        updatedAt: now,
      }));
      const stored = await Promise.all(
        attempts.map((payment) =>
          repository.insertOnce(payment, [
            {
              event: PAYMENT_CAPTURED,
              payload: {
                paymentId: payment.id,
                orderId: 'order-race',
                userId: 'user-1',
                amountCents: payment.amountCents,
                currency: 'USD',
              },
            },
          ]),
        ),
      );
      expect(new Set(stored.map((payment) => payment.id)).size).toBe(1);
      expect(await countPayments({ idempotency_key: key })).toBe(1);
      expect(
        Number((await db()('outbox').where('envelope', 'like', '%"orderId":"order-race"%').count({ n: '*' }))[0].n),
      ).toBe(1);
    });

    it('rejects invalid contract input as validation_failed in-process', async () => {
      const api = apis['in-process']();
      const error = await rejection(api.charge(chargeInput({ amountCents: -5, currency: 'US' })));
      expect(error.code).toBe('validation_failed');
      expect(error.options.errors?.map((field) => field.path).sort()).toEqual(['amountCents', 'currency']);
      expect((await rejection(api.refund({ paymentId: '' }))).code).toBe('validation_failed');
    });

    it('answers invalid contract calls over HTTP with problem+json', async () => {
      const response = await shop.request('POST', '/internal/payments/charge', {
        headers: { 'x-internal-token': await createServiceTokens(SECRET).forCallee('payments') },
        body: { input: { ...chargeInput(), amountCents: 'lots' } },
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(response.body.errors.map((field: { path: string }) => field.path)).toEqual(['input.amountCents']);
    });

    it('refuses over HTTP a service token minted for another module, and charges nothing', async () => {
      const input = chargeInput({ orderId: 'order-wrong-audience' });
      const forOrders = await createServiceTokens(SECRET).forCallee('orders');
      const response = await shop.request('POST', '/internal/payments/charge', {
        headers: { 'x-internal-token': forOrders },
        body: { input },
      });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ status: 401, code: 'unauthorized' });
      expect(await countPayments({ order_id: 'order-wrong-audience' })).toBe(0);
    });

    describeChargesInFlight(() => ({ shop, provider, secret: SECRET }));

    describe('GET /api/v1/payments/{id}', () => {
      let owner: { id: string; token: string };
      let other: { id: string; token: string };
      let payment: Awaited<ReturnType<PaymentsApi['charge']>>;

      beforeAll(async () => {
        [owner, other] = await Promise.all([shop.customer('Payer'), shop.customer('Stranger')]);
        payment = await apis['in-process']().charge(chargeInput({ userId: owner.id, amountCents: 4200 }));
      });

      it('shows the payment to its payer, with exactly the public fields', async () => {
        const response = await shop.request('GET', `/api/v1/payments/${payment.id}`, { token: owner.token });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          id: payment.id,
          orderId: payment.orderId,
          amountCents: 4200,
          currency: 'USD',
          status: 'captured',
          createdAt: payment.createdAt,
        });
        expect(new Date(response.body.createdAt).toISOString()).toBe(response.body.createdAt);
      });

      it('shows any payment to an admin, in its current status', async () => {
        await apis['in-process']().refund({ paymentId: payment.id });
        const response = await shop.request('GET', `/api/v1/payments/${payment.id}`, {
          token: await shop.adminToken(),
        });
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ id: payment.id, amountCents: 4200, status: 'refunded' });
      });

      it("answers 404, not 403, for another user's payment", async () => {
        const response = await shop.request('GET', `/api/v1/payments/${payment.id}`, { token: other.token });
        expect(response.status).toBe(404);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ status: 404, code: 'not_found' });
      });

      it('answers 404 for an unknown id and 401 without a token', async () => {
        const unknown = await shop.request('GET', `/api/v1/payments/${randomUUID()}`, { token: owner.token });
        expect(unknown.status).toBe(404);
        expect(unknown.body.code).toBe('not_found');
        const anonymous = await shop.request('GET', `/api/v1/payments/${payment.id}`);
        expect(anonymous.status).toBe(401);
        expect(anonymous.body.code).toBe('unauthorized');
      });

      it('rejects an absurd id as a validation problem', async () => {
        const response = await shop.request('GET', `/api/v1/payments/${'x'.repeat(101)}`, { token: owner.token });
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'params.id' }] });
      });
    });
  });
}
