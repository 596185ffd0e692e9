import { defineRoute, type AnyRoute, type RouteRequest, type RouteResponse } from '../../../platform/kernel/route.js';
import { pageOf, pageQuery } from '../../../platform/http/pagination.js';
import { CancelOrderHandler } from '../application/cancel-order.handler.js';
import { GetOrderHandler } from '../application/get-order.handler.js';
import { IdempotentCheckoutHandler } from '../application/idempotent-checkout.handler.js';
import { ListOrdersHandler } from '../application/list-orders.handler.js';
import { toOrderView, type Viewer } from '../application/order-view.js';
import { PlaceOrderHandler } from '../application/place-order.handler.js';
import { CHECKOUT_METRICS } from '../application/ports/checkout-metrics.port.js';
import { orderView } from '../contract/orders.contract.js';
import { checkoutResponse, observeCheckout } from './checkout-response.js';
import { idempotencyKeyOf } from './idempotency-key.js';
import { checkoutHeaders, orderIdParams, placeOrderBody } from './orders.schemas.js';

const viewerOf = (request: RouteRequest<unknown, unknown, unknown>): Viewer => ({
  userId: request.principal!.userId,
  admin: request.principal!.role === 'admin',
});

export const ordersRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/orders',
    summary: 'Check out: price, reserve stock, charge, confirm (201), or 202 while payments are unreachable',
    tags: ['orders'],
    access: 'user',
    headers: checkoutHeaders,
    body: placeOrderBody,
    responses: { 201: orderView, 202: orderView },
    async handler(request): Promise<RouteResponse> {
      const { body, container } = request;
      const command = { userId: request.principal!.userId, items: body.items, paymentToken: body.paymentMethod.token };
      const key = idempotencyKeyOf(request.header('idempotency-key'));
      const { outcome, replayed } =
        key === undefined
          ? { outcome: await container.resolve(PlaceOrderHandler).execute(command), replayed: false }
          : await container.resolve(IdempotentCheckoutHandler).execute(command, key);
      observeCheckout(container.resolve(CHECKOUT_METRICS), outcome, replayed);
      const response = checkoutResponse(outcome);
      return replayed ? { ...response, headers: { ...response.headers, 'Idempotent-Replayed': 'true' } } : response;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/orders',
    summary: 'Your orders, newest first',
    tags: ['orders'],
    access: 'user',
    query: pageQuery,
    responses: { 200: pageOf(orderView) },
    async handler(request) {
      const page = await request.container
        .resolve(ListOrdersHandler)
        .execute(request.principal!.userId, request.query.limit, request.query.cursor);
      return { status: 200, body: page };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/orders/:id',
    summary: 'One of your orders (admins: any order)',
    tags: ['orders'],
    access: 'user',
    params: orderIdParams,
    responses: { 200: orderView },
    async handler(request) {
      return {
        status: 200,
        body: await request.container.resolve(GetOrderHandler).execute(request.params.id, viewerOf(request)),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/orders/:id/cancel',
    summary: 'Cancel a confirmed order: the payment is refunded and the stock returned',
    tags: ['orders'],
    access: 'user',
    params: orderIdParams,
    responses: { 200: orderView },
    async handler(request) {
      const order = await request.container.resolve(CancelOrderHandler).execute(request.params.id, viewerOf(request));
      return { status: 200, body: toOrderView(order) };
    },
  }),
];
