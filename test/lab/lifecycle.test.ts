import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { CLI, cli, labName, labUnsupported } from '../helpers/lab.js';

const STATE_ROOT = process.env.INGRESS_DOCTOR_LAB_DIR || '/run/ingress-doctor/labs';

async function alive(pid: number): Promise<boolean> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+[ZX]/m.test(status);
  } catch {
    return false;
  }
}

async function leftovers(name: string): Promise<string[]> {
  const prefix = `idl-${name}-`;
  const netns = (await readdir('/run/netns').catch(() => [] as string[])).filter((n) => n.startsWith(prefix));
  const etc = (await readdir('/etc/netns').catch(() => [] as string[])).filter((n) => n.startsWith(prefix));
  const state = existsSync(path.join(STATE_ROOT, name)) ? [path.join(STATE_ROOT, name)] : [];
  return [...netns.map((n) => `netns ${n}`), ...etc.map((n) => `/etc/netns/${n}`), ...state];
}

async function pidsOf(name: string): Promise<number[]> {
  const status = await cli(['lab', 'status', '--name', name, '-o', 'json']);
  const s = JSON.parse(status.stdout) as { processes: { pid: number }[] };
  return s.processes.map((p) => p.pid);
}

test(
  'lab up/down 20 times leaves nothing behind',
  { skip: labUnsupported(), timeout: 600_000 },
  async (t) => {
    const name = labName('cycle');
    t.after(async () => {
      await cli(['lab', 'down', '--name', name]);
    });
    for (let i = 0; i < 20; i++) {
      const up = await cli(['lab', 'up', '--name', name, '-o', 'json'], { timeoutMs: 60_000 });
      assert.equal(up.code, 0, `cycle ${i}: ${up.stderr}`);
      const pids = await pidsOf(name);
      assert.ok(pids.length >= 6, `cycle ${i}: ${pids.length} processes`);
      const down = await cli(['lab', 'down', '--name', name], { timeoutMs: 30_000 });
      assert.equal(down.code, 0, down.stderr);
      assert.deepEqual(await leftovers(name), [], `cycle ${i}`);
      const running = (await Promise.all(pids.map(async (p) => ((await alive(p)) ? p : 0)))).filter(Boolean);
      assert.deepEqual(running, [], `cycle ${i}: processes still running`);
    }
  },
);

test(
  'lab down cleans up after `up` was killed with SIGKILL, and is idempotent',
  { skip: labUnsupported() },
  async (t) => {
    const name = labName('killed');
    t.after(async () => {
      await cli(['lab', 'down', '--name', name]);
    });
    const child = spawn(process.execPath, [CLI, 'lab', 'up', '--name', name], { stdio: 'ignore' });
    // Kill it mid-build: once its namespaces exist.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await leftovers(name)).filter((l) => l.startsWith('netns')).length < 5) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok((await leftovers(name)).length > 0, 'the killed up left something to clean');
    const down = await cli(['lab', 'down', '--name', name]);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await leftovers(name), []);
    const again = await cli(['lab', 'down', '--name', name]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /was not up/);
  },
);

test('lab up on an existing lab rebuilds it', { skip: labUnsupported() }, async (t) => {
  const name = labName('rebuild');
  t.after(async () => {
    await cli(['lab', 'down', '--name', name]);
  });
  assert.equal((await cli(['lab', 'up', '--name', name])).code, 0);
  const first = await pidsOf(name);
  const again = await cli(['lab', 'up', '--name', name, '--fault', 'no-endpoints']);
  assert.equal(again.code, 0, again.stderr);
  const second = await pidsOf(name);
  for (const pid of first) assert.equal(await alive(pid), false, `old process ${pid} is gone`);
  assert.notDeepEqual(first, second);
  const status = await cli(['lab', 'status', '--name', name, '-o', 'json']);
  assert.deepEqual((JSON.parse(status.stdout) as { faults: string[] }).faults, ['no-endpoints']);
});
