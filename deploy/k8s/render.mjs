// Renders the Kubernetes manifests of split mode from one template per kind, so the six services
// cannot drift apart:  node deploy/k8s/render.mjs [image] | kubectl apply -f -
// Expects a Secret "shop" with DATABASE_URL, REDIS_URL and INTERNAL_TOKEN_SECRET.
import { stringify } from 'yaml';
import { LAYOUT } from '../split.mjs';

const PORT = 3000;
const modules = LAYOUT.map(([name]) => name).filter((name) => name !== 'gateway');

const probe = (path) => ({ httpGet: { path, port: 'http' }, periodSeconds: 10, timeoutSeconds: 3 });

function deployment(name, image) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: 'modular-shop', component: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'modular-shop', component: name } },
      template: {
        metadata: { labels: { app: 'modular-shop', component: name } },
        spec: {
          // Longer than the drain in src/platform/lifecycle.ts, so in-flight work finishes.
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name,
              image,
              ports: [{ name: 'http', containerPort: PORT }],
              env: [
                { name: 'MODULES', value: name },
                { name: 'PORT', value: String(PORT) },
                { name: 'EVENT_BUS', value: 'bullmq' },
                ...modules.map((module) => ({
                  name: `${module.toUpperCase()}_URL`,
                  value: `http://${module}:${PORT}`,
                })),
              ],
              envFrom: [{ secretRef: { name: 'shop' } }],
              readinessProbe: probe('/health/ready'),
              livenessProbe: probe('/health/live'),
              resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { memory: '512Mi' } },
            },
          ],
        },
      },
    },
  };
}

function service(name) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { app: 'modular-shop', component: name } },
    spec: {
      selector: { app: 'modular-shop', component: name },
      ports: [{ name: 'http', port: PORT, targetPort: 'http' }],
    },
  };
}

export function render(image = 'modular-shop:latest') {
  return LAYOUT.flatMap(([name]) => [deployment(name, image), service(name)]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(
    render(process.argv[2])
      .map((manifest) => stringify(manifest))
      .join('---\n'),
  );
}
