import type { ContractVersions } from '../kernel/contract.js';
import { onDemand } from '../kernel/on-demand.js';
import type { ServiceTokens } from '../rpc/service-token.js';

const TIMEOUT_MS = 2000;

/** undici is split mode's transport; a monolith's console never asks another process. */
const request: typeof import('undici').request = (...args) =>
  onDemand<typeof import('undici')>('undici').request(...args);

/** An instance whose console the gateway reads, and a module it hosts (its service tokens name it). */
export interface ConsoleInstance {
  url: string;
  callee: string;
}

export interface InstanceHealth {
  url: string;
  healthy: boolean;
  error?: string;
  /** The contract versions the instance serves and calls, as its readiness report states them. */
  contracts?: ContractVersions;
}

/**
 * How a console reaches other processes: their readiness, and their own console data on the
 * service-token routes under `/internal/console/` (module processes only answer other modules).
 */
export class PeerClient {
  constructor(private readonly serviceTokens?: ServiceTokens) {}

  /** Ready (`/health/ready` answers 200) or why not, with the contract versions it states. */
  async health(url: string): Promise<InstanceHealth> {
    try {
      const { statusCode, body } = await request(new URL('/health/ready', url), {
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      const text = await body.text();
      const contracts = readReport(text)?.contracts;
      return statusCode === 200
        ? { url, healthy: true, contracts }
        : { url, healthy: false, error: failingChecks(text, statusCode), contracts };
    } catch (error) {
      return { url, healthy: false, error: (error as Error).message };
    }
  }

  /** GET `path` of the instance at `url`, which hosts the module `callee`, as another module would; parsed. */
  async internal<T>({ url, callee }: ConsoleInstance, path: string): Promise<T> {
    if (!this.serviceTokens) throw new Error('no INTERNAL_TOKEN_SECRET to call other processes with');
    const { statusCode, body } = await request(new URL(path, url), {
      headers: { 'x-internal-token': await this.serviceTokens.forCallee(callee), accept: 'application/json' },
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    if (statusCode !== 200) {
      await body.dump();
      throw new Error(`${url}${path} answered ${statusCode}`);
    }
    return (await body.json()) as T;
  }
}

interface ReadinessReport {
  checks?: Record<string, { status: string; error?: string }>;
  contracts?: ContractVersions;
}

/** The readiness report in `text`, or undefined when it is not one. */
function readReport(text: string): ReadinessReport | undefined {
  try {
    return JSON.parse(text) as ReadinessReport;
  } catch {
    return undefined;
  }
}

/** `db:orders: connection refused; …` from a readiness report, or the status alone. */
function failingChecks(text: string, statusCode: number): string {
  const failing = Object.entries(readReport(text)?.checks ?? {}).filter(([, check]) => check.status !== 'ok');
  if (failing.length > 0) return failing.map(([name, check]) => `${name}: ${check.error ?? 'failing'}`).join('; ');
  return `answered ${statusCode}`;
}
