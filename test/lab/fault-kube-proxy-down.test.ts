import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, httpCodeIn, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault kube-proxy-down: node-2 has no NodePort rules; the LB routes around it',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'kpdown', faults: ['kube-proxy-down'] });
    const node2 = await lab.exec(lab.netns.lb, [
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '--max-time',
      '2',
      'http://198.18.0.12:30080/healthz',
    ]);
    assert.equal(node2.code, 7, 'refused: nothing listens on the NodePort without kube-proxy');
    const node1 = await httpCodeIn(lab, lab.netns.lb, 'http://198.18.0.11:30080/healthz', 2);
    assert.equal(node1.stdout, '200');
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 200);
    const rules = await lab.exec(lab.netns.nodes['node-2'] as string, ['iptables-save', '-t', 'nat']);
    assert.doesNotMatch(rules.stdout, /KUBE-NODEPORTS/);
    // The kubelet restarts the failing kube-proxy container with back-off, as on a real node.
    const pods = await lab.run([
      'kubectl',
      'get',
      'pods',
      '-n',
      'kube-system',
      '-l',
      'k8s-app=kube-proxy',
      '-o',
      'json',
    ]);
    const list = JSON.parse(pods.stdout) as {
      items: {
        spec?: { nodeName?: string };
        status?: { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] };
      }[];
    };
    const kp = list.items.find((o) => o.spec?.nodeName === 'node-2');
    assert.equal(kp?.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'CrashLoopBackOff');
  },
);

test(
  'fault kube-proxy-down=all-nodes: no node answers; 503 from the LB',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'kpall', faults: ['kube-proxy-down=all-nodes'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 503);
  },
);
