import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, labUnsupported, withLab } from '../helpers/lab.js';

test('faults combine: dns-mismatch and no-endpoints in one lab', { skip: labUnsupported() }, async (t) => {
  const lab = await withLab(t, { name: 'combo', faults: ['dns-mismatch', 'no-endpoints'] });
  assert.deepEqual(lab.faults, ['dns-mismatch', 'no-endpoints']);
  const dig = await lab.run(['dig', '+short', '+time=2', '+tries=1', 'app.example.test']);
  assert.equal(dig.stdout.trim(), '198.19.0.99');
  const pinned = await curlStatus(lab, 'http://app.example.test/healthz', {
    maxTimeS: 5,
    resolve: `app.example.test:80:${lab.loadBalancer}`,
  });
  assert.equal(pinned.status, 503, 'behind the right address, the second fault shows');
});
