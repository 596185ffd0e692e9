/** What the deploy file tests share: the secrets a deployer sets, and readers of compose and Kubernetes manifests. */
import { MODULE_NAMES } from '../../src/platform/kernel/config.js';

export const SECRET_VALUES: Record<string, string> = {
  INTERNAL_TOKEN_SECRET: 'x'.repeat(40),
  ADMIN_EMAIL: '',
  ADMIN_PASSWORD: '',
  SMTP_URL: '',
};

/** Resolves compose's `${NAME:-default}` / `${NAME:?message}` the way a deployer's shell would. */
export const interpolate = (value: string) =>
  value.replace(/\$\{(\w+)(?::[-?][^}]*)?\}/g, (_m, name: string) => SECRET_VALUES[name] ?? '');

export const PROCESSES = ['gateway', ...MODULE_NAMES];
export const REPLICATED = PROCESSES.filter((name) => name !== 'notifications');
export const envOf = (environment: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, interpolate(String(value))]));

export const byKind = (manifests: Array<any>, kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name);
export const containerEnv = (deployment: any) =>
  Object.fromEntries(
    deployment.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]),
  );
