import { serviceEndpoints } from '../../src/checks/service-endpoints.js';
import { tableTest } from './harness.js';
import { deploy, ingress, namespace, svc, webApp } from './objects.js';

const livePod = (name: string, labels: Record<string, string>, status: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'web:1',
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      },
    ],
  },
  status,
});

const slice = (ready: boolean) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080 }],
  endpoints: [
    { addresses: ['198.18.1.10'], conditions: { ready }, targetRef: { kind: 'Pod', name: 'web-1' } },
  ],
});

const runningNotReady = {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
  containerStatuses: [
    { name: 'web', ready: false, restartCount: 0, image: 'web:1', imageID: '', state: { running: {} } },
  ],
};

const crashLoop = {
  phase: 'Running',
  containerStatuses: [
    {
      name: 'web',
      ready: false,
      restartCount: 7,
      image: 'web:1',
      imageID: '',
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
    },
  ],
};

tableTest(serviceEndpoints, {
  valid: [
    { name: 'selector matches a workload template', objects: webApp() },
    {
      name: 'live: one ready endpoint',
      live: true,
      objects: [
        namespace('shop'),
        livePod('web-1', { app: 'web' }, { phase: 'Running' }),
        svc('web'),
        slice(true),
        ingress('web'),
      ],
    },
    {
      name: 'selector-less Service with an EndpointSlice',
      objects: [svc('web', { selector: null }), slice(true), ingress('web')],
    },
    {
      name: 'live: Ready pods but no endpoint data read (e.g. forbidden): no finding',
      live: true,
      objects: [
        namespace('shop'),
        livePod(
          'web-1',
          { app: 'web' },
          { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
        ),
        svc('web'),
        svc('external', { selector: null }),
        ingress('web'),
      ],
    },
    {
      name: 'ExternalName Service is not judged here',
      objects: [svc('ext', { selector: null, type: 'ExternalName', externalName: 'api.example.org' })],
    },
    {
      name: 'manifests without any workload in the namespace: unrouted Service skipped (partial input)',
      objects: [svc('lonely', { ns: 'other' })],
    },
  ],
  invalid: [
    {
      name: 'selector matches no pod template (routed: error)',
      objects: [namespace('shop'), deploy('web', { labels: { app: 'web-v2' } }), svc('web'), ingress('web')],
      findings: [
        {
          cause: 'no-endpoints',
          severity: 'error',
          object: { kind: 'Service', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/',
          message: ['selects app=web', 'no pod or workload pod template'],
          fix: ['spec.selector of Service shop/web'],
        },
      ],
    },
    {
      name: 'unrouted Service matching nothing: warning',
      objects: [namespace('shop'), deploy('web'), svc('web'), svc('admin', { selector: { app: 'admin' } })],
      findings: [
        {
          cause: 'no-endpoints',
          severity: 'warning',
          object: { kind: 'Service', name: 'admin' },
          message: ['app=admin'],
        },
      ],
    },
    {
      name: 'routed Service in a namespace the input has no workloads for: warning naming the partial input',
      objects: [svc('web', { ns: 'elsewhere' }), ingress('web', { ns: 'elsewhere' })],
      findings: [
        {
          cause: 'no-endpoints',
          severity: 'warning',
          object: { kind: 'Service', namespace: 'elsewhere', name: 'web' },
          message: ['no pods or workloads in this namespace'],
        },
      ],
    },
    {
      name: 'manifests with an Argo Rollout (not read): warning that says why it is unsure',
      objects: [
        namespace('shop'),
        deploy('other'),
        svc('web'),
        ingress('web'),
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          metadata: { name: 'web', namespace: 'shop' },
          spec: {},
        },
      ],
      findings: [
        {
          cause: 'no-endpoints',
          severity: 'warning',
          object: { kind: 'Service', name: 'web' },
          message: ['the input also has Rollout objects, whose pods are not read'],
        },
      ],
    },
    {
      name: 'live: all endpoints unready, reason from the readiness probe',
      live: true,
      objects: [
        namespace('shop'),
        livePod('web-1', { app: 'web' }, runningNotReady),
        svc('web'),
        slice(false),
        ingress('web'),
      ],
      findings: [
        {
          cause: 'no-endpoints',
          severity: 'error',
          object: { kind: 'Service', name: 'web' },
          message: ['no ready endpoint', 'pod web-1', 'readiness probe failing (GET /healthz on port http)'],
        },
      ],
    },
    {
      name: 'live: CrashLoopBackOff named with the last exit reason',
      live: true,
      objects: [namespace('shop'), livePod('web-1', { app: 'web' }, crashLoop), svc('web'), ingress('web')],
      findings: [
        {
          cause: 'no-endpoints',
          severity: 'error',
          object: { kind: 'Service', name: 'web' },
          message: ['container web CrashLoopBackOff (last exit: OOMKilled)'],
        },
      ],
    },
    {
      name: 'routed Service without selector and without endpoints',
      objects: [namespace('shop'), svc('web', { selector: null }), ingress('web')],
      findings: [
        {
          cause: 'no-endpoints',
          severity: 'error',
          object: { kind: 'Service', name: 'web' },
          message: ['has no selector and no Endpoints/EndpointSlices'],
          fix: ['kubernetes.io/service-name=web'],
        },
      ],
    },
  ],
});
