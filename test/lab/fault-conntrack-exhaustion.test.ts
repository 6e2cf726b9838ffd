import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault conntrack-exhaustion: node-1 has a full conntrack table and drops new flows',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'ctfull', faults: ['conntrack-exhaustion'], timeoutMs: 120_000 });
    const node = lab.netns.nodes['node-1'] as string;
    const counters = await lab.exec(node, [
      'sh',
      '-c',
      'cat /proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max',
    ]);
    const [count, max] = counters.stdout.trim().split('\n').map(Number);
    assert.ok(max && count !== undefined && count >= max, `count ${count} max ${max}`);
    // A new connection to node-1's NodePort is dropped; conntrack -S counts the drop.
    const fromLb = await lab.exec(lab.netns.lb, [
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '--max-time',
      '2',
      'http://198.18.0.11:30080/healthz',
    ]);
    assert.equal(fromLb.code, 28);
    const stats = await lab.exec(node, ['conntrack', '-S']);
    const drops = [...stats.stdout.matchAll(/\bdrop=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    assert.ok(drops > 0, stats.stdout);
    // The controller lives on node-1, so the LB finds no healthy path at all.
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 503);
  },
);
