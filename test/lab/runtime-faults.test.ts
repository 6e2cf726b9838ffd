import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, labUnsupported, withLab } from '../helpers/lab.js';

// Faults added to and removed from a running lab (lab fault add/remove/list), on the real data plane.
test(
  'lab fault add/remove on a running lab: infrastructure and misconfiguration faults come and go',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'rtfault' });
    const fault = (...args: string[]) => lab.cli(['lab', 'fault', ...args, '--name', lab.name]);
    assert.equal((await curlStatus(lab, 'http://app.example.test/large', { maxTimeS: 3 })).status, 200);

    // Infrastructure: the overlay too big for the underlay. /healthz still answers, /large hangs.
    const add = await fault('add', 'mtu-blackhole');
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /fault mtu-blackhole added/);
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 3 })).status, 200);
    const hung = await curlStatus(lab, 'http://app.example.test/large', { maxTimeS: 2 });
    assert.equal(hung.exit, 28, 'the large response hangs until curl gives up');
    const again = await fault('add', 'mtu-blackhole');
    assert.equal(again.code, 2, 'a fault already in the lab is a usage error');
    const list = await fault('list');
    assert.match(list.stdout, /^mtu-blackhole\s+active/m);
    const remove = await fault('remove', 'mtu-blackhole');
    assert.equal(remove.code, 0, remove.stderr);
    assert.equal((await curlStatus(lab, 'http://app.example.test/large', { maxTimeS: 3 })).status, 200);

    // Misconfiguration: made through the API, so the objects show it and kubectl can undo it.
    assert.equal((await fault('add', 'no-endpoints')).code, 0);
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 3 })).status, 503);
    const sel = await lab.run([
      'kubectl',
      '-n',
      'shop',
      'get',
      'svc',
      'web',
      '-o',
      'jsonpath={.spec.selector}',
    ]);
    assert.equal(sel.stdout, '{"app":"web"}');
    const managed = await lab.run([
      'kubectl',
      '-n',
      'shop',
      'get',
      'svc',
      'web',
      '-o',
      'json',
      '--show-managed-fields',
    ]);
    assert.match(managed.stdout, /"manager": "ingress-doctor-lab-fault"/);
    const rm = await fault('remove', 'no-endpoints');
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 3 })).status, 200);

    // kube-proxy stops on node-2: its NodePort refuses, its kube-proxy pod crash-loops; removed, both recover.
    assert.equal((await fault('add', 'kube-proxy-down')).code, 0);
    const nodePort = await lab.exec(lab.netns.lb, [
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '--max-time',
      '2',
      'http://198.18.0.12:30080/healthz',
    ]);
    assert.equal(nodePort.code, 7);
    assert.equal((await fault('remove', 'kube-proxy-down')).code, 0);
    const back = await lab.exec(lab.netns.lb, [
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--max-time',
      '2',
      'http://198.18.0.12:30080/healthz',
    ]);
    assert.equal(back.stdout, '200');

    const unknown = await fault('remove', 'dns-mismatch');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /not in the lab/);
  },
);
