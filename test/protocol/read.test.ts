import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { connect } from '../../src/cluster/kube.js';
import { buildFacts } from '../../src/protocol/facts.js';
import { readRoute } from '../../src/protocol/read.js';
import { parseTarget } from '../../src/protocol/target.js';
import { startTestLab } from '../lab/api/harness.js';

async function readOnce(extra: string[]) {
  const lab = await startTestLab(extra);
  try {
    const kube = connect({ kubeconfig: lab.files.kubeconfigPath, env: {} });
    const read = await readRoute(kube, parseTarget('http://app.example.test/'));
    const facts = buildFacts({ graph: read.graph, target: read.target });
    return {
      requests: kube.requestCount,
      facts,
      pods: read.snapshot.pods.length,
      services: read.snapshot.services.length,
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
