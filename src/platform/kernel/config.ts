import { z } from 'zod';
import {
  etcdEndpoints,
  httpUrlList,
  portNumber,
  requestsPerMinute,
  retentionSeconds,
  trustedProxies,
} from './config-values.js';
import { BULKHEAD_ENV, bulkheadLimitsFrom, type BulkheadLimits } from './bulkhead-limits.js';
import { EVENT_BUS_ENV, type EventBusKind } from './event-bus-env.js';
import type { ModuleSettings } from './settings.js';

export const MODULE_NAMES = ['users', 'catalog', 'orders', 'payments', 'notifications'] as const;
export type ModuleName = (typeof MODULE_NAMES)[number];

const moduleUrlVariable = (name: ModuleName) => `${name.toUpperCase()}_URL`;

const envSchema = z.object({
  PORT: portNumber.default(3000),
  MODULES: z
    .string()
    .default('all')
    .transform((value) =>
      value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    )
    .superRefine((names, ctx) => {
      for (const name of names) {
        const known = name === 'all' || name === 'gateway' || (MODULE_NAMES as readonly string[]).includes(name);
        if (!known)
          ctx.addIssue({
            code: 'custom',
            message: `unknown module "${name}" (known: all, gateway, ${MODULE_NAMES.join(', ')})`,
          });
      }
      if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one module' });
      if (names.length > 1 && (names.includes('all') || names.includes('gateway'))) {
        ctx.addIssue({ code: 'custom', message: '"all" and "gateway" cannot be combined with other modules' });
      }
    }),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  ...EVENT_BUS_ENV,
  INTERNAL_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DISCOVERY_URL: etcdEndpoints.optional(),
  DISCOVERY_PREFIX: z
    .string()
    .regex(/^\S+\/$/, 'must end with "/" and contain no spaces (e.g. /shop/)')
    .default('/shop/'),
  ADVERTISE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://orders-1:3003' })
    .refine((value) => new URL(value).pathname === '/', 'must be a base URL without a path, e.g. http://orders-1:3003')
    .transform((value) => new URL(value).origin)
    .optional(),
  RATE_LIMIT_PER_MINUTE: requestsPerMinute.default(1200),
  TRUSTED_PROXIES: trustedProxies.optional(),
  CONSOLE: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  OUTBOX_RETENTION: retentionSeconds.default(7 * 86_400),
  INBOX_RETENTION: retentionSeconds.default(14 * 86_400),
  ...BULKHEAD_ENV,
  ...Object.fromEntries(MODULE_NAMES.map((name) => [moduleUrlVariable(name), httpUrlList.optional()])),
});

export interface Config {
  port: number;
  /** Modules hosted by this process; empty when it is the gateway. */
  modules: ModuleName[];
  gateway: boolean;
  /** Base URLs of modules hosted elsewhere, as configured; with discovery, the others are looked up. */
  remoteUrls: Partial<Record<ModuleName, string[]>>;
  /** The etcd registry (DISCOVERY_URL): where this process registers and finds the modules it calls. */
  discovery?: DiscoveryConfig;
  databaseUrl?: string;
  dataDir: string;
  eventBus: EventBusKind;
  redisUrl: string;
  bullmqPrefix: string;
  rabbitmqUrl: string;
  rabbitmqPrefix: string;
  internalTokenSecret?: string;
  admin?: { email: string; password: string };
  logLevel: string;
  /** Each module's, and each remote module's, concurrency limit and queue (BULKHEAD_*). */
  bulkhead: BulkheadLimits;
  /** Requests per client address per 60 s window on /api/v1/* at the edge; 0 = no limit. */
  rateLimitPerMinute: number;
  /** Proxies whose X-Forwarded-For names the client (express `trust proxy` entries); empty = the socket's address. */
  trustedProxies: string[];
  /** The admin console (`/console` and `/api/v1/console/…`); CONSOLE=off removes both. */
  console: boolean;
  /** Seconds a dispatched outbox row (and a settled reservation) is kept before housekeeping deletes it. */
  outboxRetentionSeconds: number;
  /** Seconds an inbox row is kept: longer than any outbox row, so an event republished while its row exists is still recognised. */
  inboxRetentionSeconds: number;
  /** Each module's own settings, parsed from its variables (see {@link loadConfig}); its code injects them. */
  settings: Partial<Record<ModuleName, unknown>>;
}

/** A module as the config loader sees it: the settings slice it declares, if any. */
export interface SettingsOwner {
  name: ModuleName;
  settings?: ModuleSettings;
}

export interface DiscoveryConfig {
  /** etcd members as the client dials them: `http://host:port`. */
  endpoints: string[];
  /** Key prefix, used as given (ends with `/`). */
  prefix: string;
  /** The base URL registered for this process; unset → `http://<hostname>:<listening port>`. */
  advertiseUrl?: string;
}

/** Thrown for any configuration mistake; main prints its message as one line and exits 1. */
export class ConfigError extends Error {}

/** Parses the environment with one schema; a mistake becomes one line naming the variable. */
function parse<T>(schema: z.ZodType<T>, env: Record<string, string>): T {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(`Invalid configuration: ${String(issue.path[0])} ${issue.message}`);
}

/**
 * The platform's settings and those of every module definition given (the composition root passes
 * them all, so a mistake in any module's variable stops any process at startup, whichever it hosts).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, definitions: readonly SettingsOwner[] = []): Config {
  // An empty variable (PORT=) means unset, as in most shells' and orchestrators' conventions.
  const set = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const e = parse(envSchema, set) as z.infer<typeof envSchema> & Record<string, string[] | undefined>;
  const settings = Object.fromEntries(
    definitions.flatMap(({ name, settings: slice }) => (slice ? [[name, parse(slice.schema, set)]] : [])),
  );
  const gateway = e.MODULES[0] === 'gateway';
  const modules: ModuleName[] = e.MODULES[0] === 'all' ? [...MODULE_NAMES] : gateway ? [] : (e.MODULES as ModuleName[]);
  const remoteUrls: Config['remoteUrls'] = {};
  for (const name of MODULE_NAMES) {
    const urls = e[moduleUrlVariable(name)];
    if (urls && !modules.includes(name)) remoteUrls[name] = urls;
  }
  const split = modules.length < MODULE_NAMES.length;
  const eventBus = e.EVENT_BUS ?? (split ? 'bullmq' : 'memory');
  if (split && eventBus === 'memory' && !gateway) {
    throw new ConfigError(
      'Invalid configuration: EVENT_BUS=memory cannot deliver events between processes; use EVENT_BUS=bullmq or EVENT_BUS=rabbitmq when MODULES is not "all"',
    );
  }
  if (split && !e.INTERNAL_TOKEN_SECRET) {
    throw new ConfigError(
      'Invalid configuration: INTERNAL_TOKEN_SECRET is required when modules run in separate processes',
    );
  }
  if (e.INBOX_RETENTION <= e.OUTBOX_RETENTION) {
    throw new ConfigError(
      `Invalid configuration: INBOX_RETENTION (${e.INBOX_RETENTION} s) must be larger than OUTBOX_RETENTION (${e.OUTBOX_RETENTION} s)`,
    );
  }
  if (Boolean(e.ADMIN_EMAIL) !== Boolean(e.ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  return {
    port: e.PORT,
    modules,
    gateway,
    remoteUrls,
    discovery: e.DISCOVERY_URL
      ? { endpoints: e.DISCOVERY_URL, prefix: e.DISCOVERY_PREFIX, advertiseUrl: e.ADVERTISE_URL }
      : undefined,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    eventBus,
    redisUrl: e.REDIS_URL,
    bullmqPrefix: e.BULLMQ_PREFIX,
    rabbitmqUrl: e.RABBITMQ_URL,
    rabbitmqPrefix: e.RABBITMQ_PREFIX,
    internalTokenSecret: e.INTERNAL_TOKEN_SECRET,
    admin:
      e.ADMIN_EMAIL && e.ADMIN_PASSWORD
        ? { email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD }
        : undefined,
    logLevel: e.LOG_LEVEL,
    bulkhead: bulkheadLimitsFrom(e),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustedProxies: e.TRUSTED_PROXIES ?? [],
    console: e.CONSOLE === 'on',
    outboxRetentionSeconds: e.OUTBOX_RETENTION,
    inboxRetentionSeconds: e.INBOX_RETENTION,
    settings,
  };
}

export { moduleUrlVariable };
