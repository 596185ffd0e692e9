// Renders the Kubernetes manifests of split mode from one template per kind, so the six services
// cannot drift apart:  node deploy/k8s/render.mjs [image] [--etcd] [--rabbitmq] | kubectl apply -f -
// Expects a Secret "shop" with DATABASE_URL, REDIS_URL and INTERNAL_TOKEN_SECRET (and, with
// --rabbitmq, RABBITMQ_URL: the user's RabbitMQ cluster, three nodes for the quorum queues' sake).
// Per process: a Deployment (two replicas; notifications one, its work waits in its queue), a
// Service, a PodDisruptionBudget and a HorizontalPodAutoscaler. With --etcd, also a three-member
// etcd, and every process registers there and finds the others instead of using <MODULE>_URL.
// With --rabbitmq, events go through RabbitMQ instead of BullMQ (Redis stays for the gateway).
import { stringify } from 'yaml';
import { LAYOUT } from '../split.mjs';
import { etcd, ETCD_ENDPOINTS } from './etcd.mjs';

const PORT = 3000;
const modules = LAYOUT.map(([name]) => name).filter((name) => name !== 'gateway');
/** Replicas at rest (and the autoscaler's floor), and the autoscaler's ceiling. */
export const SCALE = Object.fromEntries(
  LAYOUT.map(([name]) => [name, name === 'notifications' ? { min: 1, max: 3 } : { min: 2, max: 6 }]),
);

const labels = (name) => ({ app: 'modular-shop', component: name });
const probe = (path) => ({ httpGet: { path, port: 'http' }, periodSeconds: 10, timeoutSeconds: 3 });

function environment(name, discovery, bus) {
  const own = [
    { name: 'MODULES', value: name },
    { name: 'PORT', value: String(PORT) },
    { name: 'EVENT_BUS', value: bus },
    ...(bus === 'rabbitmq' ? [{ name: 'RABBITMQ_PREFIX', value: 'shop' }] : []),
  ];
  if (!discovery)
    return [
      ...own,
      ...modules.map((module) => ({ name: `${module.toUpperCase()}_URL`, value: `http://${module}:${PORT}` })),
    ];
  // A pod registers its own address: pod names are not resolvable, pod IPs are.
  return [
    ...own,
    { name: 'DISCOVERY_URL', value: ETCD_ENDPOINTS },
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'ADVERTISE_URL', value: `http://$(POD_IP):${PORT}` },
  ];
}

function deployment(name, image, discovery, bus) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labels(name) },
    spec: {
      replicas: SCALE[name].min,
      selector: { matchLabels: labels(name) },
      // A new pod is ready before an old one goes, so a rollout never leaves a module without one.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(name) },
        spec: {
          // Longer than the drain in src/platform/lifecycle.ts, so in-flight work finishes.
          terminationGracePeriodSeconds: 30,
          // Replicas on different nodes when there are several, so one node going down leaves one.
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: labels(name) },
            },
          ],
          containers: [
            {
              name,
              image,
              ports: [{ name: 'http', containerPort: PORT }],
              env: environment(name, discovery, bus),
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
    metadata: { name, labels: labels(name) },
    spec: { selector: labels(name), ports: [{ name: 'http', port: PORT, targetPort: 'http' }] },
  };
}

/** A voluntary disruption (node drain, upgrade) takes one pod of a process at a time. */
function disruptionBudget(name) {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, labels: labels(name) },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels(name) } },
  };
}

function autoscaler(name) {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, labels: labels(name) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: SCALE[name].min,
      maxReplicas: SCALE[name].max,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    },
  };
}

/**
 * Every manifest, in apply order; `{ etcd: true }` adds etcd and switches the processes to discovery,
 * `{ rabbitmq: true }` switches their events to RabbitMQ (RABBITMQ_URL from the Secret).
 */
export function render(image = 'modular-shop:latest', options = {}) {
  const discovery = Boolean(options.etcd);
  const bus = options.rabbitmq ? 'rabbitmq' : 'bullmq';
  return [
    ...(discovery ? etcd() : []),
    ...LAYOUT.flatMap(([name]) => [
      deployment(name, image, discovery, bus),
      service(name),
      disruptionBudget(name),
      autoscaler(name),
    ]),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const image = args.find((arg) => !arg.startsWith('--'));
  process.stdout.write(
    render(image, { etcd: args.includes('--etcd'), rabbitmq: args.includes('--rabbitmq') })
      .map((manifest) => stringify(manifest))
      .join('---\n'),
  );
}
