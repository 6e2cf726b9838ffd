import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { snapshotFromObjects } from '../../src/cluster/parse.js';
import { buildDataPlane } from '../../src/dataplane/build.js';
import { controllerSignals } from '../../src/dataplane/controllers.js';
import { buildGraph } from '../../src/graph/build.js';

function service(name: string, ns: string, type: string, selector: Record<string, string>, labels = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels },
    spec: { type, selector, ports: [{ name: 'http', port: 80, nodePort: 30080 }] },
  };
}

function pod(name: string, ns: string, labels: Record<string, string>, image: string, args: string[] = []) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'c', image, args }] },
  };
}

const ingressClass = (name: string, controller: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name },
  spec: { controller },
});

const ingress = (name: string, className: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'app' },
  spec: {
    ingressClassName: className,
    rules: [
      {
        host: `${name}.test`,
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } },
          ],
        },
      },
    ],
  },
});

describe('ingress controller identification', () => {
  it('recognises implementations by label, image, and --ingress-class / --controller-class args', () => {
    const g = buildGraph(
      snapshotFromObjects(
        [
          ingressClass('traefik', 'traefik.io/ingress-controller'),
          ingressClass('internal', 'example.com/internal'),
          service('traefik', 'traefik', 'LoadBalancer', { 'app.kubernetes.io/name': 'traefik' }),
          pod('traefik-1', 'traefik', { 'app.kubernetes.io/name': 'traefik' }, 'traefik:v3'),
          service('custom', 'edge', 'NodePort', { run: 'edge' }),
          pod('edge-1', 'edge', { run: 'edge' }, 'registry.k8s.io/ingress-nginx/controller:v1.12', [
            '--controller-class=example.com/internal',
            '--ingress-class=legacy',
          ]),
          // ClusterIP Services are never the LB's target, whatever their pods run.
          service('internal-nginx', 'edge', 'ClusterIP', { run: 'edge' }),
          // A LoadBalancer in front of an ordinary app is not a controller.
          service('app-lb', 'app', 'LoadBalancer', { app: 'web' }),
          pod('web-1', 'app', { app: 'web' }, 'web:1'),
          ingress('a', 'traefik'),
          ingress('b', 'internal'),
          ingress('c', 'legacy'),
          ingress('d', 'unknown'),
        ],
        undefined,
        { live: true },
      ),
    );
    assert.deepEqual(
      buildDataPlane(g)
        .controllers()
        .map((c) => [c.service.metadata?.name, c.family, c.classes]),
      [
        ['traefik', 'traefik', ['traefik']],
        ['custom', 'ingress-nginx', ['internal', 'legacy']],
      ],
    );
    const names = (host: string) =>
      ((r) => (r ? buildDataPlane(g).controllersFor(r) : []))(g.resolve(host, '/')?.route).map(
        (c) => c.service.metadata?.name,
      );
    assert.deepEqual(names('a.test'), ['traefik']);
    assert.deepEqual(names('b.test'), ['custom']);
    assert.deepEqual(names('c.test'), ['custom']);
    // A class no controller claims: only controllers we could not tie to any class would qualify.
    assert.deepEqual(names('d.test'), []);
  });

  it('recognises the chart convention component=controller with an ingress-like name', () => {
    const g = buildGraph(
      snapshotFromObjects([
        service(
          'edge',
          'edge',
          'LoadBalancer',
          { x: 'y' },
          {
            'app.kubernetes.io/component': 'controller',
            'app.kubernetes.io/name': 'acme-ingress',
          },
        ),
      ]),
    );
    const cs = buildDataPlane(g).controllers();
    assert.equal(cs.length, 1);
    assert.equal(cs[0].family, undefined);
    assert.deepEqual(cs[0].classes, []);
    assert.deepEqual(cs[0].evidence, ['label app.kubernetes.io/component=controller']);
  });

  it('ties Gateway data planes to their Gateway by the gateway-name label (Istio and others)', () => {
    const g = buildGraph(
      snapshotFromObjects([
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'GatewayClass',
          metadata: { name: 'istio' },
          spec: { controllerName: 'istio.io/gateway-controller' },
        },
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: { name: 'web', namespace: 'gw' },
          spec: {
            gatewayClassName: 'istio',
            listeners: [
              { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
            ],
          },
        },
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'r', namespace: 'app' },
          spec: {
            parentRefs: [{ name: 'web', namespace: 'gw' }],
            hostnames: ['r.test'],
            rules: [{ backendRefs: [{ name: 's', port: 80 }] }],
          },
        },
        service('web-istio', 'gw', 'LoadBalancer', { 'gateway.networking.k8s.io/gateway-name': 'web' }),
        service('other-istio', 'gw', 'LoadBalancer', { 'gateway.networking.k8s.io/gateway-name': 'other' }),
      ]),
    );
    const route = g.resolve('r.test', '/')?.route;
    assert.equal(route?.className, 'istio');
    assert.deepEqual(
      buildDataPlane(g)
        .controllersFor(route as NonNullable<typeof route>)
        .map((c) => [c.service.metadata?.name, c.gateways, c.classes]),
      [['web-istio', ['gw/web'], ['istio']]],
    );
  });
});

describe('controllerSignals on malformed input', () => {
  const svc = service('ingress-nginx-controller', 'ingress-nginx', 'LoadBalancer', { app: 'ingress-nginx' });
  const bad = (spec: unknown, metadata: unknown = { name: 'p', namespace: 'ingress-nginx' }) =>
    ({ metadata, spec }) as unknown as V1Pod;

  it('skips null and wrong-type containers, args and labels instead of throwing', () => {
    for (const containers of [null, 'nginx', { name: 'c' }, 7]) {
      const s = controllerSignals(svc as unknown as V1Service, [bad({ containers })]);
      assert.equal(s.family, 'ingress-nginx', `containers: ${JSON.stringify(containers)}`);
    }
    // Only the first three pods are read: the malformed ones must not hide the readable arg of the third.
    const pods = [
      bad({ containers: [null, 7, 'c', [], { name: 'c', image: 42, args: 'x', command: [null, 3] }] }),
      bad(null, { name: 'p', labels: 'app=x' }),
      bad({ containers: [{ name: 'ok', args: [null, '--ingress-class=public'] }] }, null),
    ];
    const s = controllerSignals(svc as unknown as V1Service, pods);
    // The well-formed parts still count: the Service's label and the one readable arg.
    assert.equal(s.family, 'ingress-nginx');
    assert.deepEqual(s.ingressClassArgs, ['public']);
  });

  it('reads nothing from a Service whose selector and labels are not maps', () => {
    const odd = {
      metadata: { name: 'lb', namespace: 'x', labels: ['app.kubernetes.io/name', 'traefik'] },
      spec: { type: 'LoadBalancer', selector: 'app=traefik' },
    } as unknown as V1Service;
    const s = controllerSignals(odd, [bad({ containers: [{ name: 'c', image: 'traefik:v3' }] })]);
    assert.equal(s.family, 'traefik'); // from the image, the one readable signal
    assert.deepEqual(s.evidence, ['image traefik:v3']);
    assert.deepEqual(s.gateways, []);
  });

  it('builds a graph over a controller Service whose pods have null containers', () => {
    const g = buildGraph(
      snapshotFromObjects([
        svc,
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'c-1', namespace: 'ingress-nginx', labels: { app: 'ingress-nginx' } },
          spec: { containers: [null, { name: 'controller', image: 7 }] },
        },
      ]),
    );
    const controllers = buildDataPlane(g).controllers();
    assert.equal(controllers.length, 1);
    assert.equal(controllers[0].family, 'ingress-nginx');
    assert.equal(controllers[0].pods.length, 1);
  });
});
