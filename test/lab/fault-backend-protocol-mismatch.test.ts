import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, httpCodeIn, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault backend-protocol-mismatch: HTTP to an HTTPS backend; 502',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'bproto', faults: ['backend-protocol-mismatch'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 502);
    const pods = await lab.pods();
    const controller = pods.find((p) => p.pod.startsWith('ingress-nginx/'));
    const web = pods.find((p) => p.pod.startsWith('shop/'));
    assert.ok(controller && web);
    const tls = await lab.exec(controller.netns, [
      'curl',
      '-ksS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--max-time',
      '3',
      `https://${web.ip}:8443/healthz`,
    ]);
    assert.equal(tls.stdout, '200', 'the pod answers HTTPS');
    const plain = await httpCodeIn(lab, controller.netns, `http://${web.ip}:8443/healthz`, 3);
    assert.notEqual(plain.stdout, '200', 'plain HTTP to the TLS port fails');
  },
);
