import type { Pool } from 'undici';
import type { ContractVersions } from '../kernel/contract.js';

export interface InstanceHealth {
  url: string;
  healthy: boolean;
  error?: string;
  /** What the instance says it serves and calls (absent from builds older than contract versions). */
  contracts?: ContractVersions;
}

/** Whether the instance answers `path` (a health route) with a 2xx, and the contract versions it states there. */
export async function probeInstance(url: string, pool: Pool, path: string, timeoutMs: number): Promise<InstanceHealth> {
  try {
    const { statusCode, body } = await pool.request({
      method: 'GET',
      path,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const { contracts } = (await body.json().catch(() => ({}))) as { contracts?: ContractVersions };
    return statusCode < 300
      ? { url, healthy: true, contracts }
      : { url, healthy: false, error: `answered ${statusCode}` };
  } catch (error) {
    return { url, healthy: false, error: (error as Error).message };
  }
}
