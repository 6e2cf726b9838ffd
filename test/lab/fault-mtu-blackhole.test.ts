import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, type Lab, labUnsupported, withLab } from '../helpers/lab.js';

async function crossNodePods(lab: Lab) {
  const pods = await lab.pods();
  const controller = pods.find((p) => p.pod.startsWith('ingress-nginx/'));
  const web = pods.find((p) => p.pod.startsWith('shop/') && p.node !== controller?.node);
  assert.ok(controller && web);
  return { controller, web };
}

test(
  'fault mtu-blackhole: /healthz works, /large hangs, DF pings over 1450 vanish',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'mtubh', faults: ['mtu-blackhole'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 200);
    const large = await curlStatus(lab, 'http://app.example.test/large', { maxTimeS: 4 });
    assert.equal(large.exit, 28, `curl timed out (got status ${large.status}, ${large.bytes} bytes)`);
    const { controller, web } = await crossNodePods(lab);
    const small = await lab.exec(controller.netns, [
      'ping',
      '-c',
      '1',
      '-W',
      '2',
      '-M',
      'do',
      '-s',
      '1400',
      web.ip,
    ]);
    assert.equal(small.code, 0);
    // 1472 + 28 = 1500 fits the pod MTU, so it is sent; its 1550-byte VXLAN packet is fragmented and dropped.
    const big = await lab.exec(controller.netns, [
      'ping',
      '-c',
      '2',
      '-i',
      '0.2',
      '-W',
      '1',
      '-M',
      'do',
      '-s',
      '1472',
      web.ip,
    ]);
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
    const big = await lab.exec(controller.netns, [
      'ping',
      '-c',
      '2',
      '-i',
      '0.2',
      '-W',
      '1',
      '-M',
      'do',
      '-s',
      '1472',
      web.ip,
    ]);
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
