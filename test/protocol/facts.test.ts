import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotFromObjects } from '../../src/cluster/parse.js';
import { buildDataPlane } from '../../src/dataplane/build.js';
import { buildGraph } from '../../src/graph/build.js';
import { buildFacts } from '../../src/protocol/facts.js';

const objects = (over: { ingressAnnotations?: Record<string, string>; host?: string } = {}) => [
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1' },
    status: { addresses: [{ type: 'InternalIP', address: '198.18.0.11' }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n2' },
    status: { addresses: [{ type: 'InternalIP', address: '198.18.0.12' }] },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'shop', annotations: over.ingressAnnotations ?? {} },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: over.host ?? 'app.example.test',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' } },
    spec: {
      nodeName: 'n2',
      containers: [{ name: 'app', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }],
    },
    status: {
      phase: 'Running',
      podIP: '198.18.17.10',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 3,
          image: 'x',
          imageID: '',
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
    },
  },
  {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080 }],
    endpoints: [
      {
        addresses: ['198.18.17.10'],
        conditions: { ready: false },
        nodeName: 'n2',
        targetRef: { kind: 'Pod', name: 'web-1', namespace: 'shop' },
      },
    ],
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'ingress-nginx-controller',
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
      annotations: { 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/healthz' },
    },
    spec: {
      type: 'LoadBalancer',
      selector: { 'app.kubernetes.io/name': 'ingress-nginx' },
      ports: [{ name: 'http', port: 80, targetPort: 80, nodePort: 30080 }],
    },
    status: { loadBalancer: { ingress: [{ ip: '198.19.0.1' }] } },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
    data: { 'proxy-read-timeout': '30', 'proxy-buffer-size': '8k' },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'calico-config', namespace: 'kube-system' },
    data: { veth_mtu: '1450', calico_backend: 'vxlan' },
  },
];

function facts(over: Parameters<typeof objects>[0] = {}, host = 'app.example.test') {
  const graph = buildGraph(snapshotFromObjects(objects(over), undefined, { live: true }));
  return buildFacts({
    graph,
    dataplane: buildDataPlane(graph),
    target: { scheme: 'http', host, path: '/healthz', port: 80 },
  });
}

test('facts: route → Service → endpoints and pods, with readiness reasons and named target ports', () => {
  const f = facts();
  assert.equal(f.routeFound, true);
  assert.equal(f.backend?.service, 'web');
  assert.equal(f.backend?.targetPort, 'http');
  assert.deepEqual(f.endpoints, [
    { ip: '198.18.17.10', port: 8080, ready: false, nodeName: 'n2', podName: 'web-1' },
  ]);
  assert.equal(f.pods[0]?.targetPort, 8080);
  assert.match(f.pods[0]?.unreadyReason ?? '', /CrashLoopBackOff/);
  assert.deepEqual(f.nodes, [
    { name: 'n1', ip: '198.18.0.11' },
    { name: 'n2', ip: '198.18.0.12' },
  ]);
  assert.deepEqual(f.policiesSelectingBackend, ['deny']);
});

test('facts: controller, LB address, NodePort, health check, ConfigMap timeouts, CNI MTU', () => {
  const f = facts();
  assert.equal(f.controller?.lbAddress, '198.19.0.1');
  assert.equal(f.controller?.nodePort, 30080);
  assert.equal(f.controller?.healthCheck?.path, '/healthz');
  assert.equal(f.proxyReadTimeoutS, 30);
  assert.match(f.proxyReadTimeoutSource, /ConfigMap ingress-nginx\/ingress-nginx-controller/);
  assert.equal(f.proxyBufferBytes, 8192);
  assert.equal(f.podMtu, 1450);
  assert.match(f.podMtuSource ?? '', /calico-config/);
  assert.equal(f.backend?.protocol, 'HTTP');
});

test('facts: annotations beat the ConfigMap; backend-protocol annotation is read', () => {
  const f = facts({
    ingressAnnotations: {
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '2',
      'nginx.ingress.kubernetes.io/proxy-buffer-size': '4k',
      'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
    },
  });
  assert.equal(f.proxyReadTimeoutS, 2);
  assert.equal(f.proxyBufferBytes, 4096);
  assert.equal(f.backend?.protocol, 'HTTPS');
});

test("facts: the chart's --configmap=$(POD_NAMESPACE)/… is expanded like the kubelet; the ConfigMap timeout counts", () => {
  const controllerPod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'ingress-nginx-controller-7c9f8-x2lqp',
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    },
    spec: {
      nodeName: 'n1',
      containers: [
        {
          name: 'controller',
          image: 'registry.k8s.io/ingress-nginx/controller:v1.12.1',
          args: [
            '/nginx-ingress-controller',
            '--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller',
            '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller',
          ],
          env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
        },
      ],
    },
    status: { phase: 'Running', podIP: '198.18.16.10' },
  };
  const all = [...objects(), controllerPod];
  const graph = buildGraph(snapshotFromObjects(all, undefined, { live: true }));
  const f = buildFacts({
    graph,
    dataplane: buildDataPlane(graph),
    target: { scheme: 'http', host: 'app.example.test', path: '/', port: 80 },
  });
  assert.equal(f.proxyReadTimeoutS, 30);
  assert.match(f.proxyReadTimeoutSource, /ConfigMap ingress-nginx\/ingress-nginx-controller/);
});

test('facts: no rule for the host → routeFound false, the nearest route is kept for its backend', () => {
  const f = facts({ host: 'app.example.com' });
  assert.equal(f.routeFound, false);
  assert.equal(f.route?.host, 'app.example.com');
  assert.equal(f.backend?.service, 'web');
});
