// The optional etcd of `render.mjs --etcd`: three members in a StatefulSet (a quorum survives one
// loss), a headless Service that names each member, and a budget that keeps the quorum in a drain.
const MEMBERS = 3;
const IMAGE = 'quay.io/coreos/etcd:v3.5.17';
const labels = { app: 'modular-shop', component: 'etcd' };
const member = (i) => `etcd-${i}.etcd`;

/** DISCOVERY_URL of the shop's processes: every member, so a client moves on when one is down. */
export const ETCD_ENDPOINTS = `etcd://${Array.from({ length: MEMBERS }, (_, i) => `${member(i)}:2379`).join(',')}`;

export function etcd() {
  const cluster = Array.from({ length: MEMBERS }, (_, i) => `etcd-${i}=http://${member(i)}:2380`).join(',');
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'etcd', labels },
      spec: {
        clusterIP: 'None',
        // Members must find each other before they are ready.
        publishNotReadyAddresses: true,
        selector: labels,
        ports: [
          { name: 'client', port: 2379 },
          { name: 'peer', port: 2380 },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'etcd', labels },
      spec: {
        serviceName: 'etcd',
        replicas: MEMBERS,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'etcd',
                image: IMAGE,
                ports: [
                  { name: 'client', containerPort: 2379 },
                  { name: 'peer', containerPort: 2380 },
                ],
                env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
                command: [
                  'etcd',
                  '--name=$(POD_NAME)',
                  '--data-dir=/var/lib/etcd',
                  '--listen-client-urls=http://0.0.0.0:2379',
                  '--advertise-client-urls=http://$(POD_NAME).etcd:2379',
                  '--listen-peer-urls=http://0.0.0.0:2380',
                  '--initial-advertise-peer-urls=http://$(POD_NAME).etcd:2380',
                  `--initial-cluster=${cluster}`,
                  '--initial-cluster-state=new',
                ],
                readinessProbe: { httpGet: { path: '/health', port: 'client' }, periodSeconds: 10, timeoutSeconds: 3 },
                livenessProbe: {
                  httpGet: { path: '/livez', port: 'client' },
                  periodSeconds: 10,
                  timeoutSeconds: 3,
                  failureThreshold: 6,
                },
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/etcd' }],
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'etcd', labels },
      spec: { minAvailable: MEMBERS - 1, selector: { matchLabels: labels } },
    },
  ];
}
