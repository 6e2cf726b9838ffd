import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execLocal, localVantage } from '../../src/vantage/local.js';

test('local vantage: exit code, stdout and stderr', async () => {
  const r = await localVantage().exec(['sh', '-c', 'echo out; echo err >&2; exit 4'], { timeoutMs: 5000 });
  assert.equal(r.exitCode, 4);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(r.timedOut, false);
});

test('local vantage: the hard timeout kills the process by PID', async () => {
  const t0 = Date.now();
  const r = await execLocal(['sleep', '30'], { timeoutMs: 300 });
  assert.equal(r.timedOut, true);
  assert.ok(Date.now() - t0 < 3000);
});

test('local vantage: a missing binary is a value, not a throw', async () => {
  const r = await execLocal(['no-such-binary-ingress-doctor'], { timeoutMs: 1000 });
  assert.match(r.startError ?? '', /command not found/);
});
