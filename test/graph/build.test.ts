import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { snapshotFromObjects } from '../../src/cluster/parse.js';
import { buildDataPlane } from '../../src/dataplane/build.js';
import { buildGraph, routeLabel } from '../../src/graph/build.js';
import { loadFixture } from './load.js';

describe('Ingress routes (shop.yaml)', () => {
  const graph = buildGraph(loadFixture('shop.yaml'));

  it('flattens every rule path and the default backend into routes', () => {
    assert.deepEqual(
      graph.routes.map((r) => [r.id, routeLabel(r), r.pathType]),
      [
        ['Ingress/shop/shop#0.0', 'shop.example.com/', 'Prefix'],
        ['Ingress/shop/shop#0.1', 'shop.example.com/api', 'Prefix'],
        ['Ingress/shop/shop#0.2', 'shop.example.com/api/health', 'Exact'],
        ['Ingress/shop/shop#0.3', 'shop.example.com/static/', 'ImplementationSpecific'],
        ['Ingress/shop/shop#1.0', '*.example.com/', 'Prefix'],
        ['Ingress/shop/shop#default', '* (default backend)', 'Prefix'],
      ],
    );
    assert.equal(graph.routes[5].isDefaultBackend, true);
    assert.deepEqual(graph.routes[0].ref, {
      kind: 'Ingress',
      namespace: 'shop',
      name: 'shop',
      file: 'shop.yaml',
      line: 12,
    });
    assert.equal(graph.routesOf('Ingress', 'shop', 'shop').length, 6);
    assert.equal(graph.routesOf('Ingress', 'shop', 'other').length, 0);
  });

  it('takes the class from the default IngressClass when the Ingress names none', () => {
    assert.equal(graph.routes[0].className, 'nginx');
    assert.equal(graph.routes[0].classSource, 'default');
  });

  const cases: [string, string, string | undefined, string | undefined][] = [
    ['shop.example.com', '/api/health', 'Ingress/shop/shop#0.2', 'exact'],
    ['shop.example.com', '/api/health/', 'Ingress/shop/shop#0.1', 'exact'], // Exact is exact: the slash matters
    ['shop.example.com', '/api', 'Ingress/shop/shop#0.1', 'exact'],
    ['shop.example.com', '/api/', 'Ingress/shop/shop#0.1', 'exact'],
    ['shop.example.com', '/api/orders?id=1', 'Ingress/shop/shop#0.1', 'exact'],
    ['shop.example.com', '/apix', 'Ingress/shop/shop#0.0', 'exact'], // Prefix is per path element
    ['shop.example.com', '/static', 'Ingress/shop/shop#0.3', 'exact'], // "/static/" matches "/static"
    ['shop.example.com', '/static/app.js', 'Ingress/shop/shop#0.3', 'exact'],
    ['shop.example.com', '/staticfoo', 'Ingress/shop/shop#0.0', 'exact'],
    ['SHOP.Example.com:443', '/', 'Ingress/shop/shop#0.0', 'exact'],
    ['a.example.com', '/anything', 'Ingress/shop/shop#1.0', 'wildcard'],
    ['a.b.example.com', '/', 'Ingress/shop/shop#default', 'any'], // Ingress wildcards cover one label
    ['example.com', '/', 'Ingress/shop/shop#default', 'any'],
    ['other.org', '/', 'Ingress/shop/shop#default', 'any'],
  ];
  for (const [host, path, id, how] of cases) {
    it(`resolves ${host}${path} → ${id}`, () => {
      const m = graph.resolve(host, path);
      assert.equal(m?.route.id, id);
      assert.equal(m?.hostMatch, how);
    });
  }

  it('follows a backend port by name to a named container port on the template pod', () => {
    const web = graph.resolveBackend(graph.routes[0].backends[0]);
    assert.equal(web.problem, undefined);
    assert.equal(web.service?.metadata?.name, 'web');
    assert.equal(web.servicePort?.port, 80);
    assert.deepEqual(
      web.pods.map((p) => p.metadata?.name),
      ['web-template'],
    );
    assert.deepEqual([...web.targetPorts.values()], [8081]);
    assert.equal(graph.isTemplatePod?.(web.pods[0]), true);
    assert.deepEqual(graph.ref('Pod', web.pods[0]), {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      file: 'shop.yaml',
      line: 92,
    });
    assert.equal(graph.workloadOf?.(web.pods[0])?.metadata?.name, 'web');
  });

  it('follows a backend port by number and a numeric targetPort; selectors with several labels intersect', () => {
    const api = graph.resolveBackend(graph.routes[1].backends[0]);
    assert.equal(api.servicePort?.port, 8080);
    assert.deepEqual([...api.targetPorts.values()], [9000]);
    assert.equal(graph.podsMatching('shop', { app: 'api', tier: 'backend' }).length, 1);
    assert.equal(graph.podsMatching('shop', { app: 'api', tier: 'frontend' }).length, 0);
    assert.equal(graph.podsMatching('other', { app: 'api' }).length, 0);
  });

  it('names the problem when the Service does not exist', () => {
    const r = graph.resolveBackend(graph.routes[5].backends[0]);
    assert.equal(r.problem, 'service-not-found');
    assert.equal(r.pods.length, 0);
  });

  it('finds the ingress-nginx controller Service, its class, LB address and node ports', () => {
    const dataplane = buildDataPlane(graph);
    const all = dataplane.controllers();
    assert.equal(all.length, 1);
    const c = all[0];
    assert.equal(c.service.metadata?.name, 'ingress-nginx-controller');
    assert.equal(c.family, 'ingress-nginx');
    assert.deepEqual(c.classes, ['nginx']);
    assert.equal(c.loadBalancerAddress, '198.18.0.10');
    assert.deepEqual(
      c.nodePorts.map((p) => [p.name, p.port, p.nodePort]),
      [
        ['http', 80, 30080],
        ['https', 443, 30443],
      ],
    );
    assert.equal(c.pods.length, 1);
    assert.deepEqual(dataplane.controllersFor(graph.routes[0] as NonNullable<(typeof graph.routes)[0]>), all);
  });
});

describe('Gateway API routes (gateway.yaml)', () => {
  const graph = buildGraph(loadFixture('gateway.yaml'));
  const byId = new Map(graph.routes.map((r) => [r.id, r]));

  it('intersects route hostnames with the listener hostnames', () => {
    const store = graph.routesOf('HTTPRoute', 'shop', 'store');
    // store.example.net does not match the *.example.com listener named by sectionName.
    assert.deepEqual(
      store.map((r) => [r.id, r.host, r.path, r.pathType]),
      [
        ['HTTPRoute/shop/store#0.0', 'store.example.com', '/cart', 'Prefix'],
        ['HTTPRoute/shop/store#0.1', 'store.example.com', '/checkout', 'Exact'],
        ['HTTPRoute/shop/store#1.0', 'store.example.com', '/', 'Prefix'],
      ],
    );
    assert.equal(store[0].attached, true);
    assert.equal(store[0].className, 'eg');
    assert.deepEqual(
      store[0].backends.map((b) => [b.namespace, b.serviceName, b.port, b.weight]),
      [
        ['shop', 'cart', 8080, 90],
        ['shop', 'cart-canary', 8080, 10],
      ],
    );
    assert.equal(store[0].gateways?.[0].gateway?.metadata?.name, 'public');
    assert.deepEqual(
      store[0].gateways?.[0].listeners.map((l) => l.name),
      ['http'],
    );
  });

  it('a route without hostnames takes the listener hostname; allowedRoutes Same excludes other namespaces', () => {
    const r = byId.get('HTTPRoute/shop/no-hostnames#0.0');
    assert.equal(r?.host, '*.example.com');
    assert.equal(r?.pathType, 'RegularExpression');
    assert.deepEqual(
      r?.gateways?.[0].listeners.map((l) => l.name),
      ['http'],
    );
  });

  it('marks routes no listener accepts, and routes whose Gateway is missing, as not attached', () => {
    const internal = graph.routesOf('HTTPRoute', 'shop', 'internal');
    assert.equal(internal.length, 1);
    assert.equal(internal[0].attached, false);
    assert.equal(internal[0].host, 'internal.example.org');
    const orphan = graph.routesOf('HTTPRoute', 'shop', 'orphan')[0];
    assert.equal(orphan.attached, false);
    assert.equal(orphan.gateways?.[0].gateway, undefined);
    assert.equal(orphan.gateways?.[0].name, 'missing-gateway');
  });

  const cases: [string, string, string | undefined][] = [
    ['store.example.com', '/cart/items', 'HTTPRoute/shop/store#0.0'],
    ['store.example.com', '/checkout', 'HTTPRoute/shop/store#0.1'],
    ['store.example.com', '/checkout/x', 'HTTPRoute/shop/store#1.0'],
    ['store.example.com', '/', 'HTTPRoute/shop/store#1.0'],
    ['x.example.com', '/v2/items', 'HTTPRoute/shop/no-hostnames#0.0'],
    ['a.b.example.com', '/v1/items', 'HTTPRoute/shop/no-hostnames#0.0'], // Gateway API wildcards: any depth
    ['x.example.com', '/v2/items/1', undefined], // regular expressions match the whole path
    ['grpc.example.com', '/shop.Cart/Add', 'GRPCRoute/shop/grpc#0.0'],
    ['grpc.example.com', '/shop.Cart/Remove', undefined],
    ['store.example.net', '/', undefined],
  ];
  for (const [host, path, id] of cases) {
    it(`resolves ${host}${path} → ${id ?? 'nothing'}`, () => {
      assert.equal(graph.resolve(host, path)?.route.id, id);
    });
  }

  it('finds the Gateway data plane Service by its owning-gateway labels', () => {
    const store = graph.routesOf('HTTPRoute', 'shop', 'store')[0];
    const cs = buildDataPlane(graph).controllersFor(store as NonNullable<typeof store>);
    assert.deepEqual(
      cs.map((c) => [c.service.metadata?.name, c.family, c.classes, c.gateways]),
      [['envoy-infra-public', 'envoy-gateway', ['eg'], ['infra/public']]],
    );
  });

  it('resolves a named targetPort that no pod exposes as undefined, not as a crash', () => {
    const grpc = graph.routesOf('GRPCRoute', 'shop', 'grpc')[0];
    const r = graph.resolveBackend(grpc.backends[0]);
    assert.equal(r.servicePort?.name, 'grpc');
    assert.equal(r.pods.length, 0);
  });
});

describe('endpoints (endpoints.json)', () => {
  const graph = buildGraph(loadFixture('endpoints.json', { live: true }));

  it('prefers EndpointSlices (unset ready = ready) and maps nodes', () => {
    const r = graph.resolveBackend({ namespace: 'shop', serviceName: 'api', port: 'http' });
    assert.deepEqual(
      r.addresses.map((a) => [a.ip, a.port, a.ready, a.nodeName, a.podName]),
      [
        ['198.18.1.10', 9000, true, 'node-a', 'api-1'],
        ['198.18.2.10', 9000, false, 'node-b', 'api-2'],
        ['198.18.3.10', 9000, true, 'node-c', undefined],
      ],
    );
    assert.equal(r.addresses[1].terminating, true);
    assert.equal(r.endpointSlices.length, 1);
    assert.deepEqual(
      r.nodes.map((n) => n.metadata?.name),
      ['node-a', 'node-b'],
    );
  });

  it('resolves a named targetPort per pod: one pod names the port, the other does not', () => {
    const r = graph.resolveBackend({ namespace: 'shop', serviceName: 'api', port: 80 });
    const byPod = new Map([...r.targetPorts].map(([p, port]) => [p.metadata?.name, port]));
    assert.deepEqual(Object.fromEntries(byPod), { 'api-1': 9000, 'api-2': undefined });
  });

  it('falls back to Endpoints (ready and notReady addresses) when there are no slices', () => {
    const r = graph.resolveBackend({ namespace: 'shop', serviceName: 'legacy', port: 80 });
    assert.deepEqual(
      r.addresses.map((a) => [a.ip, a.port, a.ready]),
      [
        ['198.18.1.20', 8080, true],
        ['198.18.2.20', 8080, false],
      ],
    );
    assert.equal(r.pods.length, 0);
  });

  it('reports a port the Service does not have', () => {
    const r = graph.resolveBackend({ namespace: 'shop', serviceName: 'api', port: 8443 });
    assert.equal(r.problem, 'service-port-not-found');
    const byName = graph.resolveBackend({ namespace: 'shop', serviceName: 'api', port: 'grpc' });
    assert.equal(byName.problem, 'service-port-not-found');
  });
});

describe('classes, templates and ownership (inline objects)', () => {
  const ing = (name: string, extra: Record<string, unknown>) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'a', ...(extra.metadata as object) },
    spec: {
      ...(extra.spec as object),
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
  const cls = (name: string, isDefault: boolean) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {},
    },
    spec: { controller: 'k8s.io/ingress-nginx' },
  });

  it('orders spec.ingressClassName, the legacy annotation, then the default class', () => {
    const g = buildGraph(
      snapshotFromObjects([
        cls('nginx', true),
        ing('spec', { spec: { ingressClassName: 'internal' } }),
        ing('annotated', { metadata: { annotations: { 'kubernetes.io/ingress.class': 'public' } } }),
        ing('plain', {}),
      ]),
    );
    assert.deepEqual(
      g.routes.map((r) => [r.ref.name, r.className, r.classSource]),
      [
        ['spec', 'internal', 'spec'],
        ['annotated', 'public', 'annotation'],
        ['plain', 'nginx', 'default'],
      ],
    );
  });

  it('does not guess a class when several IngressClasses claim to be the default', () => {
    const g = buildGraph(snapshotFromObjects([cls('a', true), cls('b', true), ing('plain', {})]));
    assert.equal(g.routes[0].className, undefined);
    assert.equal(g.routes[0].classSource, undefined);
  });

  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'a' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    },
  };
  const replicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-5d9f',
      namespace: 'a',
      ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }],
    },
    spec: deployment.spec,
  };
  const pod = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'a',
      labels: { app: 'web' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d9f', controller: true }],
    },
    spec: { containers: [{ name: 'c', image: 'x' }] },
  });
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'a' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  };

  it('live: real pods only, and their workload through the ReplicaSet', () => {
    const g = buildGraph(
      snapshotFromObjects([deployment, replicaSet, pod('web-1'), pod('web-2'), svc], undefined, {
        live: true,
      }),
    );
    const pods = g.podsIn?.('a') ?? [];
    assert.deepEqual(
      pods.map((p) => p.metadata?.name),
      ['web-1', 'web-2'],
    );
    assert.equal(g.workloadOf?.(pods[0])?.kind, 'Deployment');
    assert.deepEqual(
      g.servicesForPod?.(pods[0]).map((s) => s.metadata?.name),
      ['web'],
    );
    assert.equal(g.isTemplatePod?.(pods[0]), false);
  });

  it('a dump without ReplicaSets: the Deployment named by the ReplicaSet name and pod-template-hash', () => {
    const hashed = (name: string, labels: Record<string, string>) => ({
      ...pod(name),
      metadata: { ...pod(name).metadata, labels: { ...labels, 'pod-template-hash': '5d9f' } },
    });
    const g = buildGraph(
      snapshotFromObjects(
        [deployment, hashed('web-1', { app: 'web' }), hashed('odd-1', { app: 'other' }), svc],
        undefined,
        {
          live: true,
        },
      ),
    );
    const [web, odd] = g.podsIn?.('a') ?? [];
    assert.equal(g.workloadOf?.(web)?.metadata?.name, 'web');
    // The name fits but the Deployment's selector does not match the pod: no owner is made up.
    assert.equal(g.workloadOf?.(odd), undefined);
    // Without the hash label the ReplicaSet name says nothing about the Deployment.
    const g2 = buildGraph(snapshotFromObjects([deployment, pod('web-2'), svc], undefined, { live: true }));
    assert.equal(g2.workloadOf?.((g2.podsIn?.('a') ?? [])[0]), undefined);
  });

  it('manifests: one template pod per workload (not per ReplicaSet a Deployment owns)', () => {
    const g = buildGraph(snapshotFromObjects([deployment, replicaSet, svc]));
    const pods = g.podsIn?.() ?? [];
    assert.deepEqual(
      pods.map((p: V1Pod) => [p.metadata?.name, p.metadata?.namespace]),
      [['web-template', 'a']],
    );
    assert.equal(g.resolveBackend({ namespace: 'a', serviceName: 'web', port: 80 }).pods.length, 1);
  });

  it('files with real pods (a kubectl dump): templates only for workloads without pods', () => {
    const other = {
      ...deployment,
      metadata: { name: 'api', namespace: 'a' },
      spec: {
        selector: { matchLabels: { app: 'api' } },
        template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
      },
    };
    const g = buildGraph(snapshotFromObjects([deployment, other, pod('web-1'), svc]));
    assert.deepEqual(
      (g.podsIn?.('a') ?? []).map((p) => [p.metadata?.name, g.isTemplatePod?.(p)]),
      [
        ['web-1', false],
        ['api-template', true],
      ],
    );
    assert.deepEqual(
      g.resolveBackend({ namespace: 'a', serviceName: 'web', port: 80 }).pods.map((p) => p.metadata?.name),
      ['web-1'],
    );
  });

  it('full label selectors with matchExpressions', () => {
    const g = buildGraph(
      snapshotFromObjects(
        [pod('web-1'), { ...pod('db-1'), metadata: { name: 'db-1', namespace: 'a', labels: { app: 'db' } } }],
        undefined,
        { live: true },
      ),
    );
    const names = (sel: Parameters<NonNullable<typeof g.podsMatchingSelector>>[1]) =>
      (g.podsMatchingSelector?.('a', sel) ?? []).map((p) => p.metadata?.name).sort();
    assert.deepEqual(names({}), ['db-1', 'web-1']);
    assert.deepEqual(names({ matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] }), ['db-1']);
    assert.deepEqual(names({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }), [
      'web-1',
    ]);
    assert.deepEqual(
      names({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }),
      ['web-1'],
    );
    assert.deepEqual(names(undefined), []);
  });

  it('survives objects with wrong shapes (strings where lists belong)', () => {
    const bad = [
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'x', namespace: 'a' },
        spec: { rules: 'nope' },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'y', namespace: 'a' },
        spec: { rules: [{ http: { paths: [null, 5, { backend: 'x' }] } }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's', namespace: 'a' },
        spec: { selector: 'app=web', ports: 'x' },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'r', namespace: 'a' },
        spec: { parentRefs: [null], rules: [{ matches: 'x', backendRefs: [{}] }] },
      },
    ];
    const g = buildGraph(snapshotFromObjects(bad));
    assert.equal(g.routes.length, 2);
    assert.equal(
      g.resolveBackend({ namespace: 'a', serviceName: 's', port: 80 }).problem,
      'service-port-not-found',
    );
    // Equal claims on any host: ties go to the older object, then to the lower id.
    assert.deepEqual(
      g.matches?.('any.host', '/').map((m) => m.route.ref.name),
      ['r', 'y'],
    );
  });
});
