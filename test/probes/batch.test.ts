import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchScript, parseBatch } from '../../src/probes/batch.js';
import { execLocal } from '../../src/vantage/local.js';

// The batch script is run by a real POSIX sh here, as it is inside a probe pod.
test('batch: items run concurrently, each result comes back with its exit code, stdout and stderr', async () => {
  const items = [
    { argv: ['sh', '-c', 'echo one; echo err >&2; exit 3'], timeoutS: 2 },
    { argv: ['printf', "it's %s\\n", 'quoted'], timeoutS: 2 },
    { argv: ['sleep', '1'], timeoutS: 2 },
    { argv: ['sleep', '1'], timeoutS: 2 },
  ];
  const nonce = 'abc123';
  const t0 = Date.now();
  const out = await execLocal(['sh', '-c', batchScript(items, nonce)], { timeoutMs: 10_000 });
  const ms = Date.now() - t0;
  assert.ok(ms < 1900, `two 1 s sleeps ran concurrently (${ms} ms)`);
  const r = parseBatch(out.stdout, items.length, nonce);
  assert.deepEqual(r[0], { exitCode: 3, stdout: 'one', stderr: 'err', missing: false });
  assert.equal(r[1]?.stdout, "it's quoted");
  assert.equal(r[2]?.exitCode, 0);
});

test('batch: an item over its own timeout is killed, the others still report', async () => {
  const items = [
    { argv: ['sleep', '30'], timeoutS: 1 },
    { argv: ['echo', 'fast'], timeoutS: 1 },
  ];
  const t0 = Date.now();
  const out = await execLocal(['sh', '-c', batchScript(items, 'n1')], { timeoutMs: 10_000 });
  assert.ok(Date.now() - t0 < 5000);
  const r = parseBatch(out.stdout, 2, 'n1');
  assert.notEqual(r[0]?.exitCode, 0);
  assert.equal(r[1]?.stdout, 'fast');
});

test('batch: truncated output marks the missing items', () => {
  const r = parseBatch('@@n begin 0 0\nhello\n\n@@n stderr 0\n\n@@n end 0\n', 3, 'n');
  assert.equal(r[0]?.stdout, 'hello');
  assert.equal(r[1]?.missing, true);
  assert.equal(r[2]?.missing, true);
});
