import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { podNetns } from '../../src/lab/topology.js';
import { cli, curlStatus, labName, labUnsupported, runCommand } from '../helpers/lab.js';

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

test(
  'the API from the host through the 127.0.0.1 forwarder (lab kubeconfig); the in-lab kubeconfig names a lab-only host',
  { skip: labUnsupported() },
  async (t) => {
    const name = labName('hostkc');
    t.after(async () => {
      await cli(['lab', 'down', '--name', name], { timeoutMs: 30_000 });
    });
    const up = await cli(['lab', 'up', '--name', name, '-o', 'json'], { timeoutMs: 120_000 });
    assert.equal(up.code, 0, up.stderr);
    const info = JSON.parse(up.stdout) as { kubeconfig: string; apiServer: string; hostApiServer: string };
    assert.match(info.apiServer, new RegExp(`^https://kubernetes\\.${name}\\.lab\\.internal:6443$`));
    assert.match(info.hostApiServer, /^https:\/\/127\.0\.0\.1:\d+$/);
    const inLab = await readFile(info.kubeconfig, 'utf8');
    assert.doesNotMatch(
      inLab,
      /server: https:\/\/\d+\.\d+\.\d+\.\d+/,
      'no lab address is ever tried on a real network',
    );
    const kc = await cli(['lab', 'kubeconfig', '--name', name]);
    assert.equal(kc.code, 0, kc.stderr);
    const dir = await mkdtemp(path.join(tmpdir(), 'hostkc-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'kubeconfig'), kc.stdout);
    const get = await runCommand(
      'kubectl',
      ['--kubeconfig', path.join(dir, 'kubeconfig'), 'get', 'pods', '-n', 'shop', '-o', 'name'],
      {
        env: { PATH: process.env.PATH, HOME: dir },
      },
    );
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout, /^pod\/web-/m);
  },
);
