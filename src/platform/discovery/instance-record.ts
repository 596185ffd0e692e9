import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { servesCaller, UNSTATED_CONTRACT_VERSION, type ContractVersions } from '../kernel/contract.js';

/** What an instance registers about itself: the value at `<prefix>services/<module>/<instanceId>`. */
export const instanceRecordSchema = z.object({
  module: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  instanceId: z.string().min(1),
  version: z.string(),
  startedAt: z.string(),
  /** The contract versions the process serves and calls (optional: builds older than versions leave it out). */
  contracts: z.object({ serves: z.record(z.string(), z.string()), calls: z.record(z.string(), z.string()) }).optional(),
});
export type InstanceRecord = z.infer<typeof instanceRecordSchema>;

/** Everything registered lives under this; callers watch it. */
export const servicesPrefix = (prefix: string) => `${prefix}services/`;

export const instanceKey = (prefix: string, module: string, instanceId: string) =>
  `${servicesPrefix(prefix)}${module}/${instanceId}`;

/** The module a key under `servicesPrefix` belongs to, or undefined for a key of another shape. */
export function moduleOfKey(prefix: string, key: string): string | undefined {
  const [module, instanceId, ...rest] = key.slice(servicesPrefix(prefix).length).split('/');
  return module && instanceId && rest.length === 0 ? module : undefined;
}

// The same path from src/platform/discovery and dist/platform/discovery: the repository (or image) root.
const packageVersion = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * One id for this process, shared by every module it hosts: readable in `etcdctl get` (host and
 * pid say where to look), with a random tail so a restarted process with a recycled pid is new.
 */
export const newInstanceId = () => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

/** The records of one process: one per module it hosts, all at the same URL and instance id. */
export function instanceRecords(
  modules: string[],
  url: string,
  instanceId: string,
  contracts?: ContractVersions,
): InstanceRecord[] {
  const startedAt = new Date().toISOString();
  return modules.map((module) => ({ module, url, instanceId, version: packageVersion, startedAt, contracts }));
}

/** Whether the record's instance serves a caller built against `version` of its module's contract. */
export function servesVersion(record: InstanceRecord, version: string): boolean {
  return servesCaller(record.contracts?.serves[record.module] ?? UNSTATED_CONTRACT_VERSION, version);
}
