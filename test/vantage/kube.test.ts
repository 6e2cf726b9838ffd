import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { runAtVantage } from '../../src/protocol/run.js';
import { httpProbe } from '../../src/protocol/specs.js';
import { KubeVantageProvider, probePodSpec, RUN_ID } from '../../src/vantage/kube.js';
import { startTestLab } from '../lab/api/harness.js';

// Against the lab's Kubernetes API with a fake pod runtime (exec runs locally): no root, no namespaces.

test('probe pods: one create each, ONE watch, exec over WebSocket, ONE deletecollection', async (t) => {
  const lab = await startTestLab();
  t.after(() => lab.close());
  const kc = new KubeConfig();
  kc.loadFromFile(lab.files.kubeconfigPath);
  const p = new KubeVantageProvider({
    kubeConfig: kc,
    namespace: 'default',
    runId: 'abc123',
    readyTimeoutMs: 10_000,
  });
  t.after(() => p.cleanup());
  const before = lab.api.requestCount;
  const prep = await p.prepare({ pods: ['node-2'], nodes: ['node-1', 'node-2'] });
  assert.deepEqual(prep.failed, []);
  assert.equal(p.requestCount(), 4, '3 creates + 1 watch');
  const core = kc.makeApiClient(CoreV1Api);
  const mine = async () =>
    (await core.listNamespacedPod({ namespace: 'default', labelSelector: `${RUN_ID}=abc123` })).items;
  const pods = await mine();
  assert.equal(pods.length, 3);
  assert.ok(pods.every((x) => x.status?.phase === 'Running'));

  const v = await p.node('node-1');
  assert.equal(v.id, 'node@node-1');
  const r = await v.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 5000 });
  assert.deepEqual([r.exitCode, r.stdout, r.stderr], [3, 'out\n', 'err\n']);
  // A batch of probes is ONE exec.
  const pod = await p.pod('node-2');
  const recs = await runAtVantage(pod, [
    httpProbe('a', 'cluster', { kind: 'pod', node: 'node-2' }, { url: 'http://127.0.0.1:1/', maxTimeS: 1 }),
    httpProbe('b', 'cluster', { kind: 'pod', node: 'node-2' }, { url: 'http://127.0.0.1:1/x', maxTimeS: 1 }),
  ]);
  assert.deepEqual(
    recs.map((x) => [x.id, (x.data as { outcome?: string }).outcome]),
    [
      ['a', 'refused'],
      ['b', 'refused'],
    ],
  );
  assert.equal(p.requestCount(), 6);
  await p.cleanup();
  assert.equal(p.requestCount(), 7);
  assert.equal((await mine()).length, 0, 'deletecollection removed every probe pod of the run');
  assert.ok(lab.api.requestCount - before >= 7);
});

test('an exec that outlives its timeout comes back as timedOut, not a hang', async (t) => {
  const lab = await startTestLab();
  t.after(() => lab.close());
  const kc = new KubeConfig();
  kc.loadFromFile(lab.files.kubeconfigPath);
  const p = new KubeVantageProvider({ kubeConfig: kc, namespace: 'default', readyTimeoutMs: 10_000 });
  t.after(() => p.cleanup());
  const v = await p.node('node-1');
  const t0 = Date.now();
  const r = await v.exec(['sleep', '20'], { timeoutMs: 500 });
  assert.equal(r.timedOut, true);
  assert.ok(Date.now() - t0 < 3000);
});

test('probe pod spec: labelled, pinned to its node, hostNetwork only for node vantages, with a deadline', () => {
  const node = probePodSpec({
    name: 'x',
    namespace: 'default',
    runId: 'r1',
    kind: 'node',
    node: 'n1',
    image: 'img',
  });
  assert.equal(node.spec?.hostNetwork, true);
  assert.equal(node.spec?.nodeName, 'n1');
  assert.equal(node.spec?.containers[0]?.securityContext?.privileged, true);
  assert.equal(node.metadata?.labels?.['app.kubernetes.io/managed-by'], 'ingress-doctor');
  assert.equal(node.metadata?.labels?.[RUN_ID], 'r1');
  assert.ok((node.spec?.activeDeadlineSeconds ?? 0) > 0);
  const pod = probePodSpec({
    name: 'y',
    namespace: 'default',
    runId: 'r1',
    kind: 'pod',
    node: 'n1',
    image: 'img',
  });
  assert.equal(pod.spec?.hostNetwork, false);
  assert.deepEqual(pod.spec?.containers[0]?.command, ['sleep', '600']);
});
