import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, httpCodeIn, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault network-policy-blocked: the controller cannot reach the pods; 504 after the connect timeout',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'netpol', faults: ['network-policy-blocked'] });
    const r = await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 15 });
    assert.equal(r.status, 504);
    assert.ok(r.seconds >= 3, `after proxy-connect-timeout (3 s), took ${r.seconds}s`);
    const pods = await lab.pods();
    const controller = pods.find((p) => p.pod.startsWith('ingress-nginx/'));
    const web = pods.find((p) => p.pod.startsWith('shop/'));
    assert.ok(controller && web);
    const blocked = await lab.exec(controller.netns, [
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '--max-time',
      '2',
      `http://${web.ip}:8080/healthz`,
    ]);
    assert.equal(blocked.code, 28, 'dropped, not refused');
    // The node itself (kubelet's view) still reaches the pod: the pod is healthy.
    const fromNode = await httpCodeIn(
      lab,
      lab.netns.nodes[web.node] as string,
      `http://${web.ip}:8080/healthz`,
      2,
    );
    assert.equal(fromNode.stdout, '200');
  },
);
