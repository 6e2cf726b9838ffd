import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, httpCodeIn, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault no-endpoints: the Service selects no pods; the controller answers 503',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'noendp', faults: ['no-endpoints'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 503);
    const got = await lab.run(['kubectl', 'get', 'endpoints', 'web', '-n', 'shop', '-o', 'json']);
    const ep = JSON.parse(got.stdout) as { subsets?: unknown[] };
    assert.ok(!ep.subsets, 'Endpoints shop/web has no subsets');
    // The pods themselves are fine.
    const pods = await lab.pods();
    const web = pods.find((p) => p.pod.startsWith('shop/'));
    assert.ok(web);
    const direct = await httpCodeIn(
      lab,
      lab.netns.nodes['node-2'] as string,
      `http://${web.ip}:8080/healthz`,
      3,
    );
    assert.equal(direct.stdout, '200');
  },
);
