import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossNodePods, curlStatus, dfPingIn, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault mtu-blackhole: /healthz works, /large hangs, DF pings over 1450 vanish',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'mtubh', faults: ['mtu-blackhole'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 200);
    const large = await curlStatus(lab, 'http://app.example.test/large', { maxTimeS: 4 });
    assert.equal(large.exit, 28, `curl timed out (got status ${large.status}, ${large.bytes} bytes)`);
    const { controller, web } = await crossNodePods(lab);
    const small = await dfPingIn(lab, controller.netns, web.ip, 1400);
    assert.equal(small.code, 0);
    // 1472 + 28 = 1500 fits the pod MTU, so it is sent; its 1550-byte VXLAN packet is fragmented and dropped.
    const big = await dfPingIn(lab, controller.netns, web.ip, 1472, { count: 2, intervalS: 0.2, waitS: 1 });
    assert.notEqual(big.code, 0);
    assert.match(big.stdout, /100% packet loss/);
  },
);

test(
  'fault mtu-blackhole=icmp-filtered: PMTUD cannot learn, /large hangs',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'mtuicmp', faults: ['mtu-blackhole=icmp-filtered'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 200);
    assert.equal((await curlStatus(lab, 'http://app.example.test/large', { maxTimeS: 4 })).exit, 28);
    const { controller, web } = await crossNodePods(lab);
    const big = await dfPingIn(lab, controller.netns, web.ip, 1472, { count: 2, intervalS: 0.2, waitS: 1 });
    assert.match(big.stdout, /100% packet loss/);
    assert.doesNotMatch(big.stdout + big.stderr, /Frag needed/i, 'the ICMP error never arrives');
  },
);

test(
  'fault mtu-blackhole on a 9000-byte underlay: everything fits',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'mtujumbo', faults: ['mtu-blackhole'], underlayMtu: 9000 });
    const large = await curlStatus(lab, 'http://app.example.test/large', { maxTimeS: 5 });
    assert.equal(large.status, 200);
    assert.ok(large.bytes >= 200 * 1024);
  },
);
