import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault host-rule-mismatch: the public host falls to the default server',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'hostrule', faults: ['host-rule-mismatch'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/large', { maxTimeS: 5 })).status, 404);
    // The host the Ingress names works: the route, not the backend, is wrong.
    const right = await curlStatus(lab, 'http://app.example.test/large', {
      maxTimeS: 5,
      headers: ['Host: app.example.com'],
    });
    assert.equal(right.status, 200);
    assert.ok(right.bytes >= 200 * 1024);
  },
);
