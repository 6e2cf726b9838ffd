import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admits, peersOf } from '../../src/checks/network-policy-controller.js';
import { namespaceLabelsOf } from '../../src/checks/selectors.js';
import { emptySnapshot } from '../../src/cluster/types.js';

test('namespaceLabelsOf adds kubernetes.io/metadata.name even without the Namespace object', () => {
  const snap = emptySnapshot(false);
  snap.namespaces.push({ metadata: { name: 'edge', labels: { team: 'net' } } });
  const labels = namespaceLabelsOf(snap);
  assert.deepEqual(labels('edge'), { team: 'net', 'kubernetes.io/metadata.name': 'edge' });
  assert.deepEqual(labels('other'), { 'kubernetes.io/metadata.name': 'other' });
});

test('NetworkPolicy peers: wire `from` and client-node `_from` are both read', () => {
  const peer = { namespaceSelector: {} };
  assert.deepEqual(peersOf({ _from: [peer] }), [peer]);
  assert.deepEqual(peersOf({ from: [peer] } as Parameters<typeof peersOf>[0]), [peer]);
  const src = { metadata: { name: 'c', namespace: 'edge', labels: { app: 'c' } } };
  const dst = {
    metadata: { name: 'w', namespace: 'shop' },
    spec: { containers: [{ name: 'w', ports: [{ name: 'http', containerPort: 8080 }] }] },
  };
  const ns = (name: string) => ({ 'kubernetes.io/metadata.name': name });
  const policy = (rule: Record<string, unknown>) => [
    { metadata: { namespace: 'shop' }, spec: { podSelector: {}, ingress: [rule] } },
  ];
  assert.equal(
    admits(policy({ from: [{ namespaceSelector: { matchLabels: ns('edge') } }] }), src, dst, 8080, ns),
    true,
  );
  assert.equal(
    admits(policy({ _from: [{ namespaceSelector: { matchLabels: ns('other') } }] }), src, dst, 8080, ns),
    false,
  );
  assert.equal(admits(policy({ ports: [{ port: 'http' }] }), src, dst, 8080, ns), true);
  assert.equal(admits(policy({ ports: [{ port: 'http', protocol: 'UDP' }] }), src, dst, 8080, ns), false);
  assert.equal(admits(policy({ ports: [{ port: 9000 }] }), src, dst, 8080, ns), false);
  assert.equal(
    admits([{ metadata: { namespace: 'shop' }, spec: { podSelector: {} } }], src, dst, 8080, ns),
    false,
  );
});
