import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CoreV1Api,
  Exec,
  KubeConfig,
  NetworkingV1Api,
  type V1Pod,
  type V1Status,
  Watch,
} from '@kubernetes/client-node';
import { type Lab, startTestLab } from './harness.js';

function probePod(name: string, labels: Record<string, string> = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'probe', image: 'nicolaka/netshoot', command: ['sleep', '300'] }] },
  };
}

function sink(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  }) as Writable & { text: () => string };
  w.text = () => text;
  return w;
}

/** Runs a command through client-node's Exec and resolves with the output and the final Status. */
function execIn(
  kc: KubeConfig,
  pod: string,
  argv: string[],
  stdinText?: string,
): Promise<{ stdout: string; stderr: string; status: V1Status }> {
  const stdout = sink();
  const stderr = sink();
  const stdin = stdinText === undefined ? null : new PassThrough();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('exec timed out')), 10_000);
    new Exec(kc)
      .exec('default', pod, 'probe', argv, stdout, stderr, stdin, false, (status) => {
        clearTimeout(timer);
        // The status arrives after the output on the same socket; let the sinks flush.
        setImmediate(() => resolve({ stdout: stdout.text(), stderr: stderr.text(), status }));
      })
      .then(() => stdin?.end(stdinText), reject);
  });
}

describe('@kubernetes/client-node against the lab API', () => {
  let lab: Lab;
  let kc: KubeConfig;
  let core: CoreV1Api;
  before(async () => {
    lab = await startTestLab();
    kc = new KubeConfig();
    kc.loadFromFile(lab.files.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
  });
  after(async () => {
    await lab?.close();
  });

  it('lists pods with a label selector and reads a service', async () => {
    const pods = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' });
    assert.deepEqual(
      pods.items.map((p) => [p.metadata?.name, p.spec?.nodeName, p.status?.podIP]),
      [
        ['web-1', 'node-1', '198.18.16.10'],
        ['web-2', 'node-2', '198.18.17.10'],
      ],
    );
    const status = await core.readNamespacedPodStatus({ namespace: 'shop', name: 'web-2' });
    assert.equal(status.status?.podIP, '198.18.17.10');
    const svc = await core.readNamespacedService({ namespace: 'shop', name: 'web' });
    assert.equal(svc.spec?.ports?.[0]?.targetPort, 8080);
    const ing = await kc.makeApiClient(NetworkingV1Api).listIngressForAllNamespaces();
    assert.deepEqual(
      ing.items.map((i) => i.spec?.rules?.[0]?.host),
      ['app.example.test'],
    );
  });

  it('pages with limit and continue', async () => {
    const first = await core.listPodForAllNamespaces({ limit: 3 });
    assert.equal(first.items.length, 3);
    assert.equal(first.metadata?.remainingItemCount, 1);
    assert.ok(first.metadata?._continue);
    const second = await core.listPodForAllNamespaces({ limit: 3, _continue: first.metadata._continue });
    assert.deepEqual(
      second.items.map((p) => p.metadata?.name),
      ['web-2'],
    );
    assert.equal(second.metadata?._continue, undefined);
  });

  it('reports 404 as an ApiException with a NotFound Status', async () => {
    await assert.rejects(core.readNamespacedPod({ namespace: 'shop', name: 'nope' }), (err: unknown) => {
      const e = err as { code?: number; body?: string };
      assert.equal(e.code, 404);
      const body = JSON.parse(String(e.body)) as V1Status;
      assert.equal(body.reason, 'NotFound');
      assert.equal(body.message, 'pods "nope" not found');
      return true;
    });
  });

  it('creates a pod, execs over WebSocket and deletes it', async () => {
    const created = await core.createNamespacedPod({ namespace: 'default', body: probePod('cn-probe') });
    assert.equal(created.status?.phase, 'Pending');
    const running = await waitFor(async () => {
      const p = await core.readNamespacedPod({ namespace: 'default', name: 'cn-probe' });
      return p.status?.phase === 'Running' ? p : undefined;
    });
    assert.match(running.status?.podIP ?? '', /^198\.18\./);
    assert.equal(running.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');

    const ok = await execIn(kc, 'cn-probe', ['sh', '-c', 'echo out; echo err >&2']);
    assert.deepEqual([ok.stdout, ok.stderr, ok.status.status], ['out\n', 'err\n', 'Success']);
    const failed = await execIn(kc, 'cn-probe', ['sh', '-c', 'exit 7']);
    assert.equal(failed.status.status, 'Failure');
    assert.equal(failed.status.reason, 'NonZeroExitCode');
    assert.deepEqual(failed.status.details?.causes, [{ reason: 'ExitCode', message: '7' }]);
    const piped = await execIn(kc, 'cn-probe', ['tr', 'a-z', 'A-Z'], 'shout');
    assert.deepEqual([piped.stdout, piped.status.status], ['SHOUT', 'Success']);

    await core.deleteNamespacedPod({ namespace: 'default', name: 'cn-probe' });
    await assert.rejects(
      core.readNamespacedPod({ namespace: 'default', name: 'cn-probe' }),
      /404|not found/i,
    );
    assert.ok(lab.runtime.stopped.includes('default/cn-probe'));
  });

  it('rejects invalid and duplicate pods (422, 409)', async () => {
    const bad = probePod('Bad_Name');
    bad.spec!.containers = [];
    await assert.rejects(core.createNamespacedPod({ namespace: 'default', body: bad }), (err: unknown) => {
      const e = err as { code?: number; body?: string };
      assert.equal(e.code, 422);
      const body = JSON.parse(String(e.body)) as V1Status;
      assert.equal(body.reason, 'Invalid');
      assert.deepEqual(
        body.details?.causes?.map((c) => c.field),
        ['metadata.name', 'spec.containers'],
      );
      return true;
    });
    await core.createNamespacedPod({ namespace: 'default', body: probePod('twice') });
    await assert.rejects(
      core.createNamespacedPod({ namespace: 'default', body: probePod('twice') }),
      (err: unknown) => {
        assert.equal((err as { code?: number }).code, 409);
        return true;
      },
    );
    await core.deleteNamespacedPod({ namespace: 'default', name: 'twice' });
  });

  it('waits for several probe pods with one watch, then deletes them as a collection', async () => {
    lab.runtime.startDelayMs = 100;
    const before = lab.api.requestCount;
    const labels = { 'app.kubernetes.io/managed-by': 'ingress-doctor', run: 'w1' };
    try {
      const seen = new Map<string, string>();
      const allRunning = new Promise<void>((resolve, reject) => {
        new Watch(kc)
          .watch(
            '/api/v1/namespaces/default/pods',
            { labelSelector: 'run=w1', timeoutSeconds: 10 },
            (type, obj: V1Pod) => {
              seen.set(obj.metadata!.name!, `${type}:${obj.status?.phase}`);
              if (seen.size === 3 && [...seen.values()].every((v) => v === 'MODIFIED:Running')) resolve();
            },
            (err) => (err ? reject(err) : undefined),
          )
          .then((ctl) => allRunning.finally(() => ctl.abort()), reject);
      });
      for (const n of ['w1-a', 'w1-b', 'w1-c']) {
        await core.createNamespacedPod({ namespace: 'default', body: probePod(n, labels) });
      }
      await allRunning;
      await core.deleteCollectionNamespacedPod({ namespace: 'default', labelSelector: 'run=w1' });
      const left = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'run=w1' });
      assert.equal(left.items.length, 0);
      for (const n of ['w1-a', 'w1-b', 'w1-c']) assert.ok(lab.runtime.stopped.includes(`default/${n}`));
      // 1 watch + 3 creates + 1 deletecollection + 1 list
      assert.equal(lab.api.requestCount - before, 6);
    } finally {
      lab.runtime.startDelayMs = 0;
    }
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
