import { z } from 'zod';

const NAME_PREFIX = z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits and _ . : -');

/** The event buses a process can use: in-process, BullMQ on Redis, or RabbitMQ (API.md "RabbitMQ"). */
export const EVENT_BUSES = ['memory', 'bullmq', 'rabbitmq'] as const;
export type EventBusKind = (typeof EVENT_BUSES)[number];

/** The environment variables that choose the event bus and say where its broker is. */
export const EVENT_BUS_ENV = {
  EVENT_BUS: z.enum(EVENT_BUSES).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).default('redis://127.0.0.1:6379'),
  BULLMQ_PREFIX: NAME_PREFIX.default('shop'),
  /** The broker of EVENT_BUS=rabbitmq; the vhost is the URL's path. */
  RABBITMQ_URL: z
    .url({ protocol: /^amqps?$/, error: 'must be an amqp:// or amqps:// URL' })
    .default('amqp://guest:guest@127.0.0.1:5672'),
  /** Start of every exchange and queue name, so several deployments or test runs can share a broker. */
  RABBITMQ_PREFIX: NAME_PREFIX.default('shop'),
};
