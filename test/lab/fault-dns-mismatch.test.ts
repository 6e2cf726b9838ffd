import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, labUnsupported, withLab } from '../helpers/lab.js';

test('fault dns-mismatch: public DNS answers a stale address', { skip: labUnsupported() }, async (t) => {
  const lab = await withLab(t, { name: 'dnsmis', faults: ['dns-mismatch'] });
  const dig = await lab.run(['dig', '+short', '+time=2', '+tries=1', 'app.example.test']);
  assert.equal(dig.stdout.trim(), '198.19.0.99');
  assert.notEqual(dig.stdout.trim(), lab.loadBalancer);
  const byName = await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 3 });
  assert.equal(byName.status, 0, 'no HTTP answer at the stale address');
  const pinned = await curlStatus(lab, 'http://app.example.test/healthz', {
    maxTimeS: 5,
    resolve: `app.example.test:80:${lab.loadBalancer}`,
  });
  assert.equal(pinned.status, 200, 'the LB itself is fine');
});
