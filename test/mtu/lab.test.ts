import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MtuPair, MtuReport } from '../../src/mtu/types.js';
import { type Lab, labUnsupported, probePods, withLab } from '../helpers/lab.js';

/**
 * Acceptance on the lab: the real CLI, inside the lab's client namespace, against the lab's Kubernetes API,
 * with real probe pods and real DF pings over the lab's VXLAN overlay. One lab at a time (2 cores).
 */
const skip = labUnsupported();

async function mtu(
  lab: Lab,
  args: string[] = [],
): Promise<{ code: number; report: MtuReport; stderr: string }> {
  const r = await lab.run(['ingress-doctor', 'mtu', '-o', 'json', ...args], { timeoutMs: 90_000 });
  let report: MtuReport;
  try {
    report = JSON.parse(r.stdout) as MtuReport;
  } catch {
    throw new Error(`mtu printed no JSON (exit ${r.code}): ${r.stderr}\n${r.stdout}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

function pair(report: MtuReport, kind: MtuPair['kind']): MtuPair {
  const p = report.pairs.find((x) => x.kind === kind);
  assert.ok(p, `a ${kind} pair in ${JSON.stringify(report.pairs.map((x) => x.kind))}`);
  return p;
}

test('healthy lab: pod→pod path MTU 1450, pod MTU 1450, no problem', { skip }, async (t) => {
  const lab = await withLab(t, { name: 'h6ok' });
  const { code, report } = await mtu(lab);
  assert.equal(code, 0, report.verdict.summary);
  assert.equal(report.verdict.status, 'ok');
  const pod = pair(report, 'pod-pod');
  assert.equal(pod.search.status, 'found');
  assert.equal(pod.search.pathMtu, 1450);
  assert.equal(pod.search.exact, true);
  assert.equal(pod.senderMtu, 1450);
  assert.ok(pod.search.probes.length <= 16);
  assert.equal(pair(report, 'node-node').search.pathMtu, 1500);
  assert.equal(report.verdict.podMtu, 1450);
  assert.equal(report.verdict.maxPodMtu, 1450);
  assert.equal(report.verdict.encapsulation, 'vxlan');
  assert.deepEqual(report.unavailable, []);
  // Probe pods are gone afterwards.
  const left = await probePods(lab);
  assert.equal(left, '', 'no probe pods left behind');
});

test(
  'mtu-blackhole lab: pods at 1500, path 1450, silent loss above it, verdict names veth_mtu and 1450',
  { skip },
  async (t) => {
    const lab = await withLab(t, { name: 'h6bh', faults: ['mtu-blackhole'] });
    const { code, report } = await mtu(lab);
    assert.equal(code, 1);
    const pod = pair(report, 'pod-pod');
    assert.equal(pod.senderMtu, 1500);
    assert.equal(pod.search.pathMtu, 1450);
    assert.equal(pod.search.exact, true);
    assert.equal(pod.search.fate, 'silent');
    assert.equal(pod.search.silentLoss, true);
    assert.ok(pod.search.probes.length <= 16);
    const v = report.verdict;
    assert.equal(v.status, 'problem');
    assert.equal(v.cause, 'mtu-blackhole');
    assert.equal(v.mode, 'fragment-drop');
    assert.equal(v.podMtu, 1500);
    assert.match(v.fix ?? '', /veth_mtu to "1450" in ConfigMap kube-system\/calico-config/);
    assert.match(v.restart ?? '', /rolling restart of the CNI pods/);
  },
);

test(
  'mtu-blackhole=icmp-filtered lab: the same silence, told apart by the overlay interface (1450)',
  { skip },
  async (t) => {
    const lab = await withLab(t, { name: 'h6icmp', faults: ['mtu-blackhole=icmp-filtered'] });
    const { code, report } = await mtu(lab);
    assert.equal(code, 1);
    const pod = pair(report, 'pod-pod');
    assert.equal(pod.search.pathMtu, 1450);
    assert.equal(pod.search.fate, 'silent', 'the pods never see the ICMP answer');
    assert.equal(report.verdict.mode, 'icmp-filtered');
    assert.equal(report.verdict.overlayMtu, 1450);
    assert.equal(pair(report, 'node-node').search.pathMtu, 1500);
    assert.match(report.verdict.fix ?? '', /veth_mtu to "1450"/);
  },
);

test('--underlay-mtu 9000 lab: pods at 1500 over VXLAN fit', { skip }, async (t) => {
  const lab = await withLab(t, { name: 'h6jumbo', faults: ['mtu-blackhole'], underlayMtu: 9000 });
  const { code, report } = await mtu(lab);
  const pod = pair(report, 'pod-pod');
  assert.equal(pod.senderMtu, 1500);
  assert.equal(pod.search.pathMtu, 1500);
  assert.equal(pod.search.fate, undefined, 'nothing above the pod MTU was lost');
  assert.equal(pair(report, 'node-node').search.pathMtu, 9000);
  assert.equal(report.verdict.status, 'ok', report.verdict.summary);
  assert.equal(code, 0);
});

test(
  'node→node only, here→load balancer, and --nodes with an unknown node is a usage error (exit 2)',
  { skip },
  async (t) => {
    const lab = await withLab(t, { name: 'h6node' });
    const { code, report } = await mtu(lab, ['--from', 'node', '--to', 'node']);
    assert.equal(code, 0);
    assert.deepEqual(
      report.pairs.map((p) => p.kind),
      ['node-node'],
    );
    const lb = await mtu(lab, ['--to', 'lb']);
    assert.equal(lb.code, 0);
    assert.equal(lb.report.pairs.length, 1);
    assert.equal(lb.report.pairs[0].kind, 'to-host');
    assert.equal(lb.report.pairs[0].from.vantage, 'local');
    assert.equal(
      lb.report.pairs[0].to.ip,
      lab.loadBalancer,
      'the address from the controller Service status',
    );
    assert.equal(lb.report.pairs[0].search.pathMtu, lb.report.pairs[0].senderMtu);
    const bad = await lab.run(['ingress-doctor', 'mtu', '--nodes', 'node-9']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no such node: node-9/);
  },
);
