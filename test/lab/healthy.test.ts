import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  crossNodePods,
  curlStatus,
  dfPingIn,
  httpCodeIn,
  type Lab,
  labUnsupported,
  withLab,
} from '../helpers/lab.js';

const unsupported = labUnsupported();

test('the healthy lab', { skip: unsupported }, async (t) => {
  const lab: Lab = await withLab(t, { name: 'healthy' });

  await t.test('serves /healthz through the public URL', async () => {
    const r = await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 });
    assert.equal(r.status, 200, r.stderr);
  });

  await t.test('serves /large (≥ 200 KB of JSON) through the public URL', async () => {
    const r = await lab.run(['curl', '-sS', '--max-time', '10', 'http://app.example.test/large']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.length >= 200 * 1024, `only ${r.stdout.length} bytes`);
    const doc = JSON.parse(r.stdout) as { count: number };
    assert.ok(doc.count > 100);
  });

  await t.test('answers 404 for / (the app has no root page)', async () => {
    assert.equal((await curlStatus(lab, 'http://app.example.test/', { maxTimeS: 5 })).status, 404);
  });

  await t.test('resolves the public name to the LB address reported by the controller Service', async () => {
    const r = await lab.run(['dig', '+short', '+time=2', '+tries=1', 'app.example.test']);
    assert.equal(r.stdout.trim(), lab.loadBalancer);
  });

  await t.test('spreads requests over both nodes and both web pods', async () => {
    const pods = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await lab.run([
        'curl',
        '-sS',
        '-D',
        '-',
        '-o',
        '/dev/null',
        '--max-time',
        '5',
        'http://app.example.test/healthz',
      ]);
      const m = /x-pod-name: (\S+)/i.exec(r.stdout);
      if (m) pods.add(m[1] as string);
    }
    assert.equal(pods.size, 2, [...pods].join(','));
  });

  await t.test(
    'carries 1450-byte packets between pods on different nodes and refuses bigger ones with DF',
    async () => {
      const { controller, web } = await crossNodePods(lab);
      const fits = await dfPingIn(lab, controller.netns, web.ip, 1422);
      assert.equal(fits.code, 0, fits.stdout + fits.stderr);
      const big = await dfPingIn(lab, controller.netns, web.ip, 1472);
      assert.notEqual(big.code, 0);
      assert.match(big.stdout + big.stderr, /message too long|mtu/i);
    },
  );

  await t.test(
    'resolves Service names from a pod through cluster DNS (search domains, ndots:5)',
    async () => {
      const pods = await lab.pods();
      const controller = pods.find((p) => p.pod.startsWith('ingress-nginx/'));
      assert.ok(controller);
      const r = await lab.exec(controller.netns, ['getent', 'hosts', 'web.shop']);
      assert.match(r.stdout, /^198\.18\.129\.20\s/);
      const svc = await httpCodeIn(lab, controller.netns, 'http://web.shop/healthz', 5);
      assert.equal(svc.stdout, '200');
    },
  );

  await t.test('keeps the nodes private: the client reaches the LB, not the NodePorts', async () => {
    const r = await lab.run([
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '--max-time',
      '2',
      'http://198.18.0.11:30080/healthz',
    ]);
    assert.notEqual(r.code, 0);
  });

  await t.test('passes the exit code of `lab run` through', async () => {
    assert.equal((await lab.run(['sh', '-c', 'exit 7'])).code, 7);
  });

  await t.test('reports itself healthy in `lab status -o json`', async () => {
    const r = await lab.cli(['lab', 'status', '--name', lab.name, '-o', 'json']);
    assert.equal(r.code, 0, r.stdout);
    const s = JSON.parse(r.stdout) as { healthy: boolean; processes: { alive: boolean }[] };
    assert.equal(s.healthy, true);
    assert.ok(s.processes.length >= 6 && s.processes.every((p) => p.alive));
  });

  await t.test('answers kubectl through the lab API', async () => {
    assert.ok(lab.kubeconfig, 'lab up names the kubeconfig of the lab API');
    const r = await lab.run(['kubectl', 'get', 'pods', '-A', '-o', 'wide'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ingress-nginx-controller-\S+\s+1\/1\s+Running/);
    assert.equal((r.stdout.match(/web-\S+\s+1\/1\s+Running/g) ?? []).length, 2);
  });
});
