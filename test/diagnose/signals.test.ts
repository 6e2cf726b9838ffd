import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { CLI, labUnsupported, probePods, withLab } from '../helpers/lab.js';

// Ctrl-C while probe pods exist: they are deleted before the process leaves; --keep-probe-pods keeps them.
const skip = labUnsupported();

test(
  'SIGINT during a diagnosis deletes the probe pods and exits 130',
  { skip, timeout: 120_000 },
  async (t) => {
    const lab = await withLab(t, { name: 'd5sig', faults: ['proxy-timeout'] });
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        lab.clientNamespace,
        process.execPath,
        CLI,
        'diagnose',
        'http://app.example.test/healthz',
        '-o',
        'json',
      ],
      { env: { ...process.env, KUBECONFIG: lab.kubeconfig ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    // Wait until the probe pods exist, then interrupt.
    const deadline = Date.now() + 20_000;
    let seen = '';
    while (Date.now() < deadline && !seen) {
      seen = await probePods(lab);
    }
    assert.ok(seen, 'probe pods appeared');
    // `ip netns exec` execs node in place, so the child's PID is the CLI's.
    process.kill(child.pid as number, 'SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /SIGINT, deleting probe pods/);
    const left = await probePods(lab);
    assert.equal(left, '', 'no probe pod left');
  },
);

test('--keep-probe-pods keeps them and says how to delete them', { skip, timeout: 120_000 }, async (t) => {
  const lab = await withLab(t, { name: 'd5keep', faults: [] });
  const r = await lab.run([
    'ingress-doctor',
    'diagnose',
    'http://app.example.test/healthz',
    '--keep-probe-pods',
    '-o',
    'json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const m = /remove them with: (kubectl delete pods -n default -l ingress-doctor\/run-id=\w+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const kept = await probePods(lab, 'default');
  assert.equal(kept.split('\n').length, 3, kept);
  const del = await lab.run(['sh', '-c', m[1] ?? 'false']);
  assert.equal(del.code, 0, del.stderr);
});
