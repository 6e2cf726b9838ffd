import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { connect } from '../../src/cluster/kube.js';
import { buildDataPlane } from '../../src/dataplane/build.js';
import { buildFacts } from '../../src/protocol/facts.js';
import { readRoute } from '../../src/protocol/read-plan.js';
import { parseTarget } from '../../src/protocol/target.js';
import { startTestLab } from '../lab/api/harness.js';

async function readOnce(extra: string[]) {
  const lab = await startTestLab(extra);
  try {
    const kube = connect({ kubeconfig: lab.files.kubeconfigPath, env: {} });
    const read = await readRoute(kube, parseTarget('http://app.example.test/'));
    const facts = buildFacts({
      graph: read.graph,
      dataplane: buildDataPlane(read.graph),
      target: read.read.target,
    });
    return {
      requests: kube.requestCount,
      facts,
      pods: read.read.snapshot.pods.length,
      services: read.read.snapshot.services.length,
      configMaps: read.read.snapshot.configMaps.map((c) => `${c.metadata?.namespace}/${c.metadata?.name}`),
    };
  } finally {
    await lab.close();
  }
}

test('narrow reads: the route chain only, and the same number of requests with 6,000 unrelated objects', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'h5-extra-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const items: unknown[] = [];
  for (let i = 0; i < 3000; i++) {
    const ns = `extra-${i % 50}`;
    items.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p${i}`, namespace: ns, labels: { app: `x${i}` } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    });
    items.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `s${i}`, namespace: ns },
      spec: { selector: { app: `x${i}` }, ports: [{ port: 80 }] },
    });
  }
  const extra = path.join(dir, 'extra.json');
  await writeFile(extra, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));

  const small = await readOnce([]);
  const big = await readOnce([extra]);
  assert.equal(small.facts.routeFound, true);
  assert.equal(small.facts.backend?.service, 'web');
  assert.ok(small.requests <= 12, `requests ${small.requests}`);
  assert.equal(big.requests, small.requests, 'request count independent of unrelated objects');
  assert.equal(big.pods, small.pods, 'no unrelated pods read');
  assert.equal(big.services, small.services, 'no unrelated Services read');
});

test('narrow reads: the controller ConfigMap named by --configmap=$(POD_NAMESPACE)/NAME is read by name', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'read-cm-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const labels = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': 'edge' };
  const items = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'edge-controller', namespace: 'edge', labels },
      spec: { type: 'LoadBalancer', selector: labels, ports: [{ name: 'http', port: 80, nodePort: 31080 }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'edge-controller-6b7d9-q8x2z', namespace: 'edge', labels },
      spec: {
        nodeName: 'node-1',
        containers: [
          {
            name: 'controller',
            image: 'registry.k8s.io/ingress-nginx/controller:v1.12.1',
            args: ['/nginx-ingress-controller', '--configmap=$(POD_NAMESPACE)/edge-nginx-settings'],
            env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
          },
        ],
      },
      status: { phase: 'Running', podIP: '198.18.16.30' },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'edge-nginx-settings', namespace: 'edge' },
      data: { 'proxy-read-timeout': '7' },
    },
  ];
  const extra = path.join(dir, 'edge.json');
  await writeFile(extra, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const r = await readOnce([extra]);
  assert.ok(r.configMaps.includes('edge/edge-nginx-settings'), r.configMaps.join(', '));
});
