import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { snapshotFromObjects } from '../../src/cluster/parse.js';
import { indexObjects, PodIndex } from '../../src/graph/indexes.js';
import { backendResolver, findServicePort, targetPortOnPod } from '../../src/graph/resolution.js';

const svc: V1Service = {
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    selector: { app: 'web' },
    ports: [
      { name: 'http', port: 80, targetPort: 'http' as never },
      { name: 'admin', port: 9000 },
    ],
  },
};

describe('findServicePort', () => {
  it('by number, by name, or the only port when none is named', () => {
    assert.equal(findServicePort(svc, 80)?.name, 'http');
    assert.equal(findServicePort(svc, '9000')?.name, 'admin');
    assert.equal(findServicePort(svc, 'admin')?.port, 9000);
    assert.equal(findServicePort(svc, 8080), undefined);
    assert.equal(findServicePort(svc, undefined), undefined, 'two ports: which one is not said');
    assert.equal(findServicePort({ spec: { ports: [{ port: 1 }] } }, undefined)?.port, 1);
  });
});

describe('targetPortOnPod', () => {
  const pod: V1Pod = {
    spec: {
      containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }] }],
      initContainers: [
        { name: 'proxy', restartPolicy: 'Always', ports: [{ name: 'mesh', containerPort: 15001 }] },
        { name: 'init', ports: [{ name: 'once', containerPort: 1 }] },
      ],
    },
  };
  it('numbers as is, names on the containers, native sidecars too, plain init containers not', () => {
    assert.equal(targetPortOnPod(80, pod), 80);
    assert.equal(targetPortOnPod('8443', pod), 8443);
    assert.equal(targetPortOnPod('http', pod), 8080);
    assert.equal(targetPortOnPod('mesh', pod), 15001);
    assert.equal(targetPortOnPod('once', pod), undefined);
    assert.equal(targetPortOnPod(undefined, pod), undefined);
  });
});

describe('backendResolver', () => {
  const snapshot = snapshotFromObjects([
    { apiVersion: 'v1', kind: 'Service', ...svc },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' } },
      spec: { nodeName: 'n1', containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }] }] },
    },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'manual', namespace: 'shop' },
      spec: { ports: [{ port: 80 }] },
    },
  ]);
  const pods = new PodIndex();
  for (const p of snapshot.pods) pods.add(p);
  const resolve = backendResolver(indexObjects(snapshot), pods);

  it('Service → port → pods → target ports → nodes', () => {
    const r = resolve({ namespace: 'shop', serviceName: 'web', port: 80 });
    assert.equal(r.problem, undefined);
    assert.deepEqual(
      r.pods.map((p) => p.metadata?.name),
      ['web-1'],
    );
    assert.deepEqual([...r.targetPorts.values()], [8080]);
    assert.deepEqual(
      r.nodes.map((n) => n.metadata?.name),
      ['n1'],
    );
  });

  it('the same Service port named two ways is one shared resolution; the same backend object, the same answer', () => {
    const byNumber = resolve({ namespace: 'shop', serviceName: 'web', port: 80 });
    const byName = resolve({ namespace: 'shop', serviceName: 'web', port: 'http' });
    assert.equal(byName.pods, byNumber.pods);
    const backend = { namespace: 'shop', serviceName: 'web', port: 80 };
    assert.equal(resolve(backend), resolve(backend));
  });

  it('problems: missing Service, missing port, no selector', () => {
    assert.equal(resolve({ namespace: 'shop', serviceName: 'gone', port: 80 }).problem, 'service-not-found');
    assert.equal(
      resolve({ namespace: 'shop', serviceName: 'web', port: 81 }).problem,
      'service-port-not-found',
    );
    assert.equal(resolve({ namespace: 'shop', serviceName: 'manual', port: 80 }).problem, 'no-selector');
  });
});
