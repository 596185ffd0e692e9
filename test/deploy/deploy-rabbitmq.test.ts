import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadShopConfig } from '../../src/main.js';
import { byKind, containerEnv, envOf, interpolate, PROCESSES, SECRET_VALUES } from '../support/deploy-files.js';

describe('deploy/compose.rabbitmq.yaml', () => {
  const compose = parse(readFileSync('deploy/compose.yaml', 'utf8'), { merge: true });

  it('starts RabbitMQ only with the rabbitmq profile; the overlay moves every process’s events there', () => {
    const rabbitmq = parse(readFileSync('deploy/compose.rabbitmq.yaml', 'utf8'), { merge: true });
    expect(compose.services.rabbitmq.profiles).toEqual(['rabbitmq']);
    const user = compose.services.rabbitmq.environment;
    for (const name of PROCESSES) {
      const env = envOf({ ...compose.services[name].environment, ...rabbitmq.services[name].environment });
      const config = loadShopConfig(env);
      expect(config.eventBus).toBe('rabbitmq');
      const url = new URL(config.rabbitmqUrl);
      expect([url.hostname, url.username, url.password]).toEqual([
        'rabbitmq',
        user.RABBITMQ_DEFAULT_USER,
        interpolate(user.RABBITMQ_DEFAULT_PASS),
      ]);
      expect(rabbitmq.services[name].depends_on.rabbitmq).toEqual({ condition: 'service_healthy' });
      expect(Object.keys(rabbitmq.services[name].depends_on)).toEqual(
        expect.arrayContaining(Object.keys(compose.services[name].depends_on)),
      );
    }
  });
});

describe('deploy/k8s/render.mjs --rabbitmq', () => {
  it('switches every process to RabbitMQ under the shop prefix, its URL from the Secret', () => {
    const output = execFileSync(process.execPath, ['deploy/k8s/render.mjs', 'shop:test', '--rabbitmq'], {
      encoding: 'utf8',
    });
    const manifests = parseAllDocuments(output).map((document) => document.toJS());
    expect(manifests).toHaveLength(PROCESSES.length * 4);
    for (const name of PROCESSES) {
      const deployment = byKind(manifests, 'Deployment', name);
      expect(deployment.spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: 'shop' } }]);
      const config = loadShopConfig({
        ...containerEnv(deployment),
        ...SECRET_VALUES,
        DATABASE_URL: 'postgres://shop@db:5432/shop',
        RABBITMQ_URL: 'amqp://shop:secret@rabbitmq-0.rabbitmq:5672',
      });
      expect([config.eventBus, config.rabbitmqPrefix]).toEqual(['rabbitmq', 'shop']);
    }
  });
});
