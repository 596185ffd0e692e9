import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// @ts-expect-error plain ESM helper without types
import { render } from '../../deploy/k8s/render.mjs';
import { MODULE_NAMES, loadConfig } from '../../src/platform/config.js';

const SECRET_VALUES: Record<string, string> = {
  INTERNAL_TOKEN_SECRET: 'x'.repeat(40),
  ADMIN_EMAIL: '',
  ADMIN_PASSWORD: '',
  SMTP_URL: '',
};

/** Resolves compose's `${NAME:-default}` / `${NAME:?message}` the way a deployer's shell would. */
const interpolate = (value: string) =>
  value.replace(/\$\{(\w+)(?::[-?][^}]*)?\}/g, (_m, name: string) => SECRET_VALUES[name] ?? '');

describe('deploy/compose.yaml', () => {
  const compose = parse(readFileSync('deploy/compose.yaml', 'utf8'), { merge: true });
  const names = ['gateway', ...MODULE_NAMES];

  it('runs the gateway and every module in its own container, each with a valid configuration', () => {
    for (const name of names) {
      const env = Object.fromEntries(
        Object.entries(compose.services[name].environment as Record<string, string>).map(([key, value]) => [
          key,
          interpolate(String(value)),
        ]),
      );
      expect(env.MODULES).toBe(name);
      const config = loadConfig(env);
      expect(config.eventBus).toBe('bullmq');
      expect(config.databaseUrl).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    }
  });

  it('points every <MODULE>_URL at the service hosting that module, and publishes only the gateway', () => {
    const env = compose.services.gateway.environment as Record<string, string>;
    for (const name of MODULE_NAMES) expect(env[`${name.toUpperCase()}_URL`]).toBe(`http://${name}:3000`);
    expect(Object.keys(compose.services).filter((name) => compose.services[name].ports)).toEqual(['gateway']);
    expect(compose.services.redis.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
  });
});

describe('deploy/k8s/render.mjs', () => {
  const manifests = render('shop:test') as any[];

  it('renders a Deployment and a matching Service for the gateway and each module', () => {
    for (const name of ['gateway', ...MODULE_NAMES]) {
      const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === name);
      const service = manifests.find((m) => m.kind === 'Service' && m.metadata.name === name);
      expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
      const container = deployment.spec.template.spec.containers[0];
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
      const config = loadConfig({ ...env, ...SECRET_VALUES, DATABASE_URL: 'postgres://shop@db:5432/shop' });
      expect(config.gateway ? 'gateway' : config.modules.join()).toBe(name);
    }
    expect(manifests).toHaveLength(12);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync('deploy/Dockerfile', 'utf8');

  it('runs the compiled entry point as a non-root user and checks readiness', () => {
    expect(dockerfile).toMatch(/CMD \["node", "dist\/main.js"\]/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('/health/ready');
    const build = JSON.parse(readFileSync('tsconfig.build.json', 'utf8'));
    expect(build.compilerOptions.outDir).toBe('dist');
  });

  it('copies only files that exist', () => {
    for (const [, sources] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of sources.split(' ')) expect(existsSync(source), source).toBe(true);
    }
  });
});
