import { isIP } from 'node:net';
import { z } from 'zod';

// Parsers of the values environment variables hold (config.ts and each module's settings slice name
// the variables): each gives the one-line message a mistake is reported with.

const PORT_ERROR = 'must be a port number (0-65535)';
export const portNumber = z.coerce
  .number({ error: PORT_ERROR })
  .int(PORT_ERROR)
  .min(0, PORT_ERROR)
  .max(65535, PORT_ERROR);

const RATE_LIMIT_ERROR = 'must be a whole number of requests per minute (0 turns rate limiting off)';
export const requestsPerMinute = z.coerce
  .number({ error: RATE_LIMIT_ERROR })
  .int(RATE_LIMIT_ERROR)
  .min(0, RATE_LIMIT_ERROR);

const RETENTION_ERROR = 'must be a whole number of seconds, at least 1';
export const retentionSeconds = z.coerce
  .number({ error: RETENTION_ERROR })
  .int(RETENTION_ERROR)
  .min(1, RETENTION_ERROR);

/** A duration in milliseconds, at least a second. */
export const durationMs = z.coerce.number().int().min(1000, 'must be at least 1000 (milliseconds)');

/** A comma list of http(s) base URLs: a module's instances. */
export const httpUrlList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((url) => url.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL (or a comma list of them)' })).min(1));

const ETCD_URL_ERROR = 'must be etcd://host:port[,host:port…]';

/** `etcd://host:port[,host:port…]` (each member may repeat the scheme) → the client's `http://host:port` list. */
export const etcdEndpoints = z.string().transform((value, ctx) => {
  const members = value.startsWith('etcd://') ? value.slice('etcd://'.length).split(',') : [];
  const endpoints: string[] = [];
  for (const member of members.map((m) => m.trim().replace(/^etcd:\/\//, ''))) {
    const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(member);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      ctx.addIssue({ code: 'custom', message: ETCD_URL_ERROR });
      return z.NEVER;
    }
    endpoints.push(`http://${member}`);
  }
  if (endpoints.length === 0) ctx.addIssue({ code: 'custom', message: ETCD_URL_ERROR });
  return endpoints;
});

const PROXY_ERROR =
  'must be a comma list of IP addresses or CIDR ranges (e.g. 10.0.0.0/8), or loopback, linklocal, uniquelocal';

/** An address, a CIDR range or one of the named ranges express' `trust proxy` understands. */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

export const trustedProxies = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().refine(isProxyAddress, PROXY_ERROR)).min(1, PROXY_ERROR));
