import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, httpCodeIn, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault nodeport-blocked: the nodes drop the NodePort from the LB',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'npblock', faults: ['nodeport-blocked'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 503);
    const fromLb = await lab.exec(lab.netns.lb, [
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '--max-time',
      '2',
      'http://198.18.0.12:30080/healthz',
    ]);
    assert.equal(fromLb.code, 28, 'the SYN is dropped: curl times out');
    // The NodePort itself works from inside the node: the firewall, not kube-proxy, is in the way.
    const onNode = await httpCodeIn(
      lab,
      lab.netns.nodes['node-2'] as string,
      'http://198.18.0.12:30080/healthz',
      3,
    );
    assert.equal(onNode.stdout, '200');
  },
);
