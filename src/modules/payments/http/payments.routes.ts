import { z } from 'zod';
import { defineRoute } from '../../../platform/kernel/route.js';
import { ViewPaymentHandler } from '../application/view-payment.handler.js';
import { paymentView } from '../contract/payments.contract.js';

/** The public shape of API.md: the payer's id is not part of it. */
const paymentResponse = paymentView.omit({ userId: true });

export const getPaymentRoute = defineRoute({
  method: 'get',
  path: '/api/v1/payments/:id',
  summary: 'A payment of the caller (admins: any payment); anyone else gets 404',
  tags: ['payments'],
  access: 'user',
  params: z.object({ id: z.string().min(1).max(100) }),
  responses: { 200: paymentResponse },
  async handler({ params, principal, container }) {
    const viewer = { userId: principal!.userId, isAdmin: principal!.role === 'admin' };
    const payment = await container.resolve(ViewPaymentHandler).execute(params.id, viewer);
    const { id, orderId, amountCents, currency, status, createdAt } = payment;
    return { status: 200, body: { id, orderId, amountCents, currency, status, createdAt } };
  },
});

export const paymentsRoutes = [getPaymentRoute];
