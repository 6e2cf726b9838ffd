import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podNetns } from '../../src/lab/topology.js';
import { cli, curlStatus, labName, labUnsupported } from '../helpers/lab.js';

test('pods whose long names share a prefix get distinct network namespaces', () => {
  const base = `web-${'x'.repeat(220)}`;
  const a = podNetns('lab', 'shop', `${base}-a`);
  const b = podNetns('lab', 'shop', `${base}-b`);
  assert.notEqual(a, b);
  assert.ok(a.length <= 200 && b.length <= 200);
  assert.equal(podNetns('lab', 'shop', 'web-1'), 'idl-lab-pod-shop-web-1', 'short names stay readable');
});

test(
  'two `lab up --name X` at once: the second waits for the first, both succeed, nothing half-fails',
  { skip: labUnsupported() },
  async (t) => {
    const name = labName('twice');
    t.after(async () => {
      await cli(['lab', 'down', '--name', name], { timeoutMs: 30_000 });
    });
    const [a, b] = await Promise.all([
      cli(['lab', 'up', '--name', name], { timeoutMs: 120_000 }),
      cli(['lab', 'up', '--name', name], { timeoutMs: 120_000 }),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.doesNotMatch(a.stderr + b.stderr, /ENOTEMPTY|EEXIST/);
    const run = (argv: string[]) => cli(['lab', 'run', '--name', name, '--', ...argv], { timeoutMs: 30_000 });
    assert.equal((await curlStatus({ run }, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 200);
  },
);
