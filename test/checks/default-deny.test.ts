import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultDeny, isDefaultDenyIngress } from '../../src/checks/default-deny.js';
import { tableTest } from './harness.js';
import { defaultDenyPolicy, deploy, namespace, netpol, webApp } from './objects.js';

tableTest(defaultDeny, {
  valid: [
    {
      name: 'podSelector {} with policyTypes [Ingress] and no ingress field IS a default deny',
      objects: [...webApp(), defaultDenyPolicy()],
    },
    {
      name: 'podSelector {} with no policyTypes and no ingress field',
      objects: [...webApp(), netpol('deny', 'shop', { podSelector: {} })],
    },
    {
      name: 'podSelector {} with policyTypes [Ingress, Egress] and ingress: []',
      objects: [
        ...webApp(),
        netpol('deny', 'shop', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [] }),
      ],
    },
    { name: 'system namespaces are skipped', objects: [deploy('coredns', { ns: 'kube-system' })] },
  ],
  invalid: [
    {
      name: 'no policy at all',
      objects: webApp(),
      findings: [
        {
          cause: 'missing-default-deny',
          severity: 'warning',
          object: { kind: 'Namespace', name: 'shop' },
          message: ['Namespace shop has no default-deny ingress NetworkPolicy'],
          fix: ['spec.podSelector: {}', 'policyTypes: [Ingress]'],
        },
      ],
    },
    {
      name: 'ingress: [{}] allows everything, it is not a deny',
      objects: [...webApp(), netpol('allow-all', 'shop', { podSelector: {}, ingress: [{}] })],
      findings: [
        { cause: 'missing-default-deny', severity: 'warning', object: { kind: 'Namespace', name: 'shop' } },
      ],
    },
    {
      name: 'egress-only default deny does not isolate ingress',
      objects: [...webApp(), netpol('deny-egress', 'shop', { podSelector: {}, policyTypes: ['Egress'] })],
      findings: [
        { cause: 'missing-default-deny', severity: 'warning', object: { kind: 'Namespace', name: 'shop' } },
      ],
    },
    {
      name: 'a deny for some pods only is not a namespace default',
      objects: [
        ...webApp(),
        netpol('deny-db', 'shop', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] }),
      ],
      findings: [
        { cause: 'missing-default-deny', severity: 'warning', object: { kind: 'Namespace', name: 'shop' } },
      ],
    },
    {
      name: 'a deny in another namespace does not count; namespaces are reported in order',
      objects: [...webApp(), deploy('api', { ns: 'api' }), namespace('api'), defaultDenyPolicy('other')],
      findings: [
        { cause: 'missing-default-deny', severity: 'warning', object: { kind: 'Namespace', name: 'api' } },
        { cause: 'missing-default-deny', severity: 'warning', object: { kind: 'Namespace', name: 'shop' } },
      ],
    },
  ],
});

test('isDefaultDenyIngress reads the spec the way the API server does', () => {
  const np = (spec: Record<string, unknown>) =>
    netpol('p', 'ns', spec) as Parameters<typeof isDefaultDenyIngress>[0];
  assert.equal(isDefaultDenyIngress(np({ podSelector: {}, policyTypes: ['Ingress'] })), true);
  assert.equal(isDefaultDenyIngress(np({ podSelector: { matchLabels: {} } })), true);
  assert.equal(isDefaultDenyIngress(np({ podSelector: {}, ingress: [{}] })), false);
  assert.equal(isDefaultDenyIngress(np({ podSelector: { matchLabels: { a: 'b' } } })), false);
  assert.equal(isDefaultDenyIngress(np({ podSelector: {}, policyTypes: ['Egress'] })), false);
});
