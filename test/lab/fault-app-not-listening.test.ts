import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, httpCodeIn, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault app-not-listening: the app binds 127.0.0.1; 502 connection refused',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'nolisten', faults: ['app-not-listening'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 502);
    const web = (await lab.pods()).find((p) => p.pod.startsWith('shop/'));
    assert.ok(web);
    const inside = await httpCodeIn(lab, web.netns, 'http://127.0.0.1:8080/healthz', 2);
    assert.equal(inside.stdout, '200', 'inside the pod (like port-forward) it works');
    const podIP = await lab.exec(web.netns, [
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '--max-time',
      '2',
      `http://${web.ip}:8080/healthz`,
    ]);
    assert.equal(podIP.code, 7, 'refused on the pod IP');
  },
);
