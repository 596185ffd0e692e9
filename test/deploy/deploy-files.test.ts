import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
// @ts-expect-error plain ESM helper without types
import { render } from '../../deploy/k8s/render.mjs';
import { loadShopConfig } from '../../src/main.js';
import { MODULE_NAMES } from '../../src/platform/kernel/config.js';
import { byKind, containerEnv, envOf, PROCESSES, REPLICATED, SECRET_VALUES } from '../support/deploy-files.js';

describe('deploy/compose.yaml', () => {
  const compose = parse(readFileSync('deploy/compose.yaml', 'utf8'), { merge: true });
  const overlay = parse(readFileSync('deploy/compose.discovery.yaml', 'utf8'), { merge: true });

  it('runs the gateway and every module in its own container, each with a valid configuration', () => {
    for (const name of PROCESSES) {
      const env = envOf(compose.services[name].environment);
      expect(env.MODULES).toBe(name);
      const config = loadShopConfig(env);
      expect(config.eventBus).toBe('bullmq');
      expect(config.databaseUrl).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      expect(config.discovery).toBeUndefined();
    }
  });

  it('runs two replicas of the gateway and of every module but notifications, which keeps one', () => {
    const replicas = Object.fromEntries(PROCESSES.map((name) => [name, compose.services[name].deploy?.replicas ?? 1]));
    expect(replicas).toEqual({ gateway: 2, users: 2, catalog: 2, orders: 2, payments: 2, notifications: 1 });
    // Several instances share one database: only PostgreSQL allows that.
    for (const name of REPLICATED) expect(envOf(compose.services[name].environment).DATABASE_URL).toMatch(/^postgres:/);
  });

  it('points every <MODULE>_URL at the service hosting that module, and publishes only the gateway, a port per replica', () => {
    const env = compose.services.gateway.environment as Record<string, string>;
    for (const name of MODULE_NAMES) expect(env[`${name.toUpperCase()}_URL`]).toBe(`http://${name}:3000`);
    expect(Object.keys(compose.services).filter((name) => compose.services[name].ports)).toEqual(['gateway']);
    const [, first, last] = /^(\d+)-(\d+):3000$/.exec(compose.services.gateway.ports[0])!;
    expect(Number(last) - Number(first) + 1).toBe(compose.services.gateway.deploy.replicas);
    expect(compose.services.redis.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
  });

  it('starts etcd only with the discovery profile; the overlay makes every process register there instead of URL lists', () => {
    expect(compose.services.etcd.profiles).toEqual(['discovery']);
    expect(Object.keys(compose.services).filter((name) => compose.services[name].profiles)).toEqual([
      'etcd',
      'rabbitmq',
    ]);
    expect(compose.services.etcd.command).toEqual(expect.arrayContaining(['--advertise-client-urls=http://etcd:2379']));
    for (const name of PROCESSES) {
      const env = envOf({ ...compose.services[name].environment, ...overlay.services[name].environment });
      const config = loadShopConfig(env);
      expect(config.discovery?.endpoints).toEqual(['http://etcd:2379']);
      expect(config.remoteUrls).toEqual({});
      expect(overlay.services[name].depends_on.etcd).toEqual({ condition: 'service_healthy' });
      expect(Object.keys(overlay.services[name].depends_on)).toEqual(
        expect.arrayContaining(Object.keys(compose.services[name].depends_on)),
      );
    }
  });
});

describe('deploy/k8s/render.mjs', () => {
  const manifests = render('shop:test') as any[];

  it('renders a Deployment, Service, PodDisruptionBudget and HorizontalPodAutoscaler per process, selecting its pods', () => {
    for (const name of PROCESSES) {
      const deployment = byKind(manifests, 'Deployment', name);
      const labels = deployment.spec.template.metadata.labels;
      expect(deployment.spec.selector.matchLabels).toEqual(labels);
      expect(byKind(manifests, 'Service', name).spec.selector).toEqual(labels);
      expect(byKind(manifests, 'PodDisruptionBudget', name).spec.selector.matchLabels).toEqual(labels);
      const hpa = byKind(manifests, 'HorizontalPodAutoscaler', name);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(hpa.spec.minReplicas).toBe(deployment.spec.replicas);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      const container = deployment.spec.template.spec.containers[0];
      // The autoscaler's CPU target is a share of the request.
      expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
      expect(container.resources.requests.cpu).toBeTruthy();
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      const config = loadShopConfig({
        ...containerEnv(deployment),
        ...SECRET_VALUES,
        DATABASE_URL: 'postgres://shop@db:5432/shop',
      });
      expect(config.gateway ? 'gateway' : config.modules.join()).toBe(name);
      expect(Object.keys(config.remoteUrls).sort()).toEqual(
        MODULE_NAMES.filter((m) => !config.modules.includes(m)).sort(),
      );
    }
    expect(manifests).toHaveLength(PROCESSES.length * 4);
  });

  it('runs two replicas of the gateway and every module but notifications, and a drain keeps one of each', () => {
    const replicas = Object.fromEntries(
      PROCESSES.map((name) => [name, byKind(manifests, 'Deployment', name).spec.replicas]),
    );
    expect(replicas).toEqual({ gateway: 2, users: 2, catalog: 2, orders: 2, payments: 2, notifications: 1 });
    for (const name of REPLICATED) {
      const deployment = byKind(manifests, 'Deployment', name);
      const budget = byKind(manifests, 'PodDisruptionBudget', name).spec;
      const keeps = budget.minAvailable ?? deployment.spec.replicas - budget.maxUnavailable;
      expect(keeps, name).toBeGreaterThanOrEqual(1);
      expect(keeps, name).toBeLessThan(deployment.spec.replicas);
      expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    }
  });

  it('with --etcd, adds a three-member etcd and switches every process to discovery at its pod address', () => {
    const output = execFileSync(process.execPath, ['deploy/k8s/render.mjs', 'shop:test', '--etcd'], {
      encoding: 'utf8',
    });
    const withEtcd = parseAllDocuments(output).map((document) => document.toJS());
    expect(withEtcd).toHaveLength(PROCESSES.length * 4 + 3);
    const statefulSet = byKind(withEtcd, 'StatefulSet', 'etcd');
    const headless = byKind(withEtcd, 'Service', 'etcd');
    expect(statefulSet.spec.replicas).toBe(3);
    expect(statefulSet.spec.serviceName).toBe(headless.metadata.name);
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.selector).toEqual(statefulSet.spec.template.metadata.labels);
    expect(byKind(withEtcd, 'PodDisruptionBudget', 'etcd').spec).toMatchObject({
      minAvailable: 2,
      selector: { matchLabels: statefulSet.spec.template.metadata.labels },
    });
    const members = ['etcd-0', 'etcd-1', 'etcd-2'];
    const command = statefulSet.spec.template.spec.containers[0].command.join(' ');
    expect(command).toContain(`--initial-cluster=${members.map((m) => `${m}=http://${m}.etcd:2380`).join(',')}`);
    for (const name of PROCESSES) {
      const deployment = byKind(withEtcd, 'Deployment', name);
      const env = containerEnv(deployment);
      expect(env.ADVERTISE_URL).toBe('http://$(POD_IP):3000');
      const podIp = deployment.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'POD_IP');
      expect(podIp.valueFrom.fieldRef.fieldPath).toBe('status.podIP');
      // Kubernetes expands $(POD_IP) from the variable defined before it.
      const config = loadShopConfig({
        ...env,
        ADVERTISE_URL: env.ADVERTISE_URL.replace('$(POD_IP)', '10.1.2.3'),
        ...SECRET_VALUES,
        DATABASE_URL: 'postgres://shop@db:5432/shop',
      });
      expect(config.discovery?.endpoints).toEqual(members.map((m) => `http://${m}.etcd:2379`));
      expect(config.discovery?.advertiseUrl).toBe('http://10.1.2.3:3000');
      expect(config.remoteUrls).toEqual({});
    }
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
