import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Gateway } from '../../src/cluster/types.js';
import { attachments, gatewayHosts, intersectHost } from '../../src/graph/gateways.js';
import { NsIndex } from '../../src/graph/indexes.js';

describe('intersectHost (Gateway API hostname rules)', () => {
  const cases: [string | undefined, string | undefined, string | undefined | null][] = [
    [undefined, undefined, undefined],
    ['a.example.com', undefined, 'a.example.com'],
    [undefined, '*.example.com', '*.example.com'],
    ['a.example.com', '*.example.com', 'a.example.com'],
    ['*.example.com', 'a.example.com', 'a.example.com'],
    ['*.example.com', '*.example.com', '*.example.com'],
    ['x.a.example.com', '*.example.com', 'x.a.example.com'], // Gateway wildcards cover several labels
    ['a.example.org', '*.example.com', null],
    ['A.Example.com', 'a.example.com', 'a.example.com'],
  ];
  for (const [route, listener, expected] of cases) {
    it(`${route ?? '(none)'} ∩ ${listener ?? '(none)'} = ${expected ?? String(expected)}`, () => {
      assert.equal(intersectHost(route, listener), expected);
    });
  }
});

describe('attachments', () => {
  const gw: Gateway = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'public', namespace: 'infra' },
    spec: {
      gatewayClassName: 'eg',
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
        { name: 'own', port: 8080, protocol: 'HTTP' }, // from: Same by default
        { name: 'tcp', port: 9000, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'All' } } },
      ],
    },
  } as Gateway;
  const index = new NsIndex<Gateway>();
  index.set('infra', 'public', gw);
  const names = (a: ReturnType<typeof attachments>) => a.map((x) => x.listeners.map((l) => l.name));

  it('keeps HTTP listeners that admit the route namespace', () => {
    assert.deepEqual(
      names(attachments(index, 'HTTPRoute', 'shop', [{ name: 'public', namespace: 'infra' }])),
      [['http']],
    );
    assert.deepEqual(names(attachments(index, 'HTTPRoute', 'infra', [{ name: 'public' }])), [
      ['http', 'own'],
    ]);
  });

  it('narrows by sectionName and port; other kinds of parents are not Gateways', () => {
    assert.deepEqual(
      names(attachments(index, 'HTTPRoute', 'infra', [{ name: 'public', sectionName: 'own' }])),
      [['own']],
    );
    assert.deepEqual(names(attachments(index, 'HTTPRoute', 'infra', [{ name: 'public', port: 80 }])), [
      ['http'],
    ]);
    assert.deepEqual(attachments(index, 'HTTPRoute', 'infra', [{ name: 'svc', kind: 'Service' }]), []);
  });

  it('a missing Gateway is an attachment without listeners; hosts then say attached: false', () => {
    const atts = attachments(index, 'HTTPRoute', 'shop', [{ name: 'gone' }]);
    assert.equal(atts[0]?.gateway, undefined);
    assert.deepEqual(gatewayHosts(['shop.test'], atts), { hosts: ['shop.test'], attached: false });
  });

  it('hosts are intersected with listener hostnames', () => {
    const withHost = new NsIndex<Gateway>();
    withHost.set('infra', 'public', {
      ...gw,
      spec: { ...gw.spec, listeners: [{ name: 'h', port: 80, protocol: 'HTTP', hostname: '*.shop.test' }] },
    } as Gateway);
    const atts = attachments(withHost, 'HTTPRoute', 'infra', [{ name: 'public' }]);
    assert.deepEqual(gatewayHosts([], atts), { hosts: ['*.shop.test'], attached: true });
    assert.deepEqual(gatewayHosts(['other.test'], atts), { hosts: ['other.test'], attached: false });
  });
});
