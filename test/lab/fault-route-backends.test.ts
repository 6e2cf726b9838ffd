import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, httpCodeIn, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault service-not-found: the Ingress names a missing Service; 503',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'svcnf', faults: ['service-not-found'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 503);
    const svc = await httpCodeIn(lab, lab.netns.nodes['node-2'] as string, 'http://198.18.129.20/healthz', 3);
    assert.equal(svc.stdout, '200', 'the real Service works');
  },
);

test(
  'fault service-port-not-found: the Ingress names the container port; 503',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'svcpnf', faults: ['service-port-not-found'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 503);
  },
);
