import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { snapshotFromObjects } from '../../src/cluster/parse.js';
import { ingressClassResolver, routeLabel, routeResolver } from '../../src/graph/routes.js';
import type { PathMatchType, Route } from '../../src/graph/types.js';

function route(
  id: string,
  host: string | undefined,
  path: string,
  pathType: PathMatchType,
  extra: Partial<Route> = {},
): Route {
  return {
    id,
    source: { kind: 'Ingress', obj: { metadata: { name: id } } },
    ref: { kind: 'Ingress', name: id },
    namespace: 'a',
    host,
    path,
    pathType,
    isDefaultBackend: false,
    annotations: {},
    backends: [],
    ...extra,
  };
}

describe('routeResolver', () => {
  const routes = [
    route('exact', 'shop.test', '/', 'Prefix'),
    route('api', 'shop.test', '/api', 'Prefix'),
    route('wild', '*.shop.test', '/', 'Prefix'),
    route('any', undefined, '/any', 'Prefix'),
    route('default', undefined, '/', 'Prefix', { isDefaultBackend: true }),
  ];
  const r = routeResolver(routes);
  const cases: [string, string, string | undefined][] = [
    ['shop.test', '/api/x', 'api'],
    ['shop.test', '/other', 'exact'],
    ['a.shop.test', '/', 'wild'],
    ['elsewhere.test', '/any/1', 'any'],
    ['elsewhere.test', '/', 'default'],
  ];
  for (const [host, path, id] of cases) {
    it(`${host}${path} → ${id}`, () => assert.equal(r.resolve(host, path)?.route.id, id));
  }
  it('matches lists every candidate, best first, the default backend last', () => {
    assert.deepEqual(
      r.matches('shop.test', '/api').map((m) => m.route.id),
      ['api', 'exact', 'default'],
    );
  });
  it('routeLabel', () => {
    assert.equal(routeLabel(routes[1]!), 'shop.test/api');
    assert.equal(routeLabel(routes[4]!), '* (default backend)');
  });
});

describe('ingressClassResolver', () => {
  const cls = (name: string) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name, annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
    spec: { controller: 'k8s.io/ingress-nginx' },
  });
  it('with two default classes a class-less Ingress gets none (the API server refuses it)', () => {
    const classOf = ingressClassResolver(snapshotFromObjects([cls('a'), cls('b')]));
    assert.deepEqual(classOf({ metadata: { name: 'x' } }), {});
  });
  it('with one default it is used, and says so', () => {
    const classOf = ingressClassResolver(snapshotFromObjects([cls('a')]));
    assert.deepEqual(classOf({ metadata: { name: 'x' } }), { className: 'a', classSource: 'default' });
  });
});
