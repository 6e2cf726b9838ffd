import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, httpCodeIn, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault health-check-path-mismatch: the LB checks "/", gets 404, has no healthy node',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'hcpath', faults: ['health-check-path-mismatch'] });
    const r = await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 });
    assert.equal(r.status, 503, 'the LB has no server available');
    // What the LB's check sees on a NodePort: "/" is 404 (the default server), while /healthz would be 200.
    const slash = await httpCodeIn(lab, lab.netns.lb, 'http://198.18.0.11:30080/', 3);
    assert.equal(slash.stdout, '404');
    const healthz = await httpCodeIn(lab, lab.netns.lb, 'http://198.18.0.11:30080/healthz', 3);
    assert.equal(healthz.stdout, '200');
  },
);
