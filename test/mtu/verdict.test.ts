import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { readCniConfigs } from '../../src/mtu/cni.js';
import type { LinkInfo } from '../../src/mtu/links.js';
import type { MtuPair, VantageInterfaces } from '../../src/mtu/types.js';
import { mtuVerdict } from '../../src/mtu/verdict.js';
import type { OversizeFate, PathMtuResult } from '../../src/probes/pmtu.js';

function search(
  pathMtu: number | undefined,
  fate?: OversizeFate,
  status: PathMtuResult['status'] = 'found',
): PathMtuResult {
  const r: PathMtuResult = {
    target: '198.18.17.5',
    status,
    exact: status === 'found',
    silentLoss: fate === 'silent',
    range: { min: 576, max: 1500 },
    rounds: 1,
    probes: [],
    durationMs: 10,
    summary: `path MTU ${pathMtu}`,
    notes: [],
  };
  if (pathMtu !== undefined) r.pathMtu = pathMtu;
  if (fate) {
    r.fate = fate;
    r.firstFailing = (pathMtu ?? 0) + 1;
  }
  if (fate === 'icmp') r.announced = { mtu: pathMtu as number, source: 'icmp', from: '198.18.0.1' };
  return r;
}

function pair(kind: MtuPair['kind'], senderMtu: number, s: PathMtuResult): MtuPair {
  return {
    kind,
    from: { vantage: kind === 'node-node' ? 'node@a' : 'pod@a', node: 'a' },
    to: { label: kind === 'node-node' ? 'node@b' : 'pod@b', ip: '198.18.17.5', node: 'b' },
    senderMtu,
    search: s,
  };
}

function nodeIf(overlay?: Partial<LinkInfo>): VantageInterfaces {
  const links: LinkInfo[] = [{ index: 2, name: 'eth0', mtu: 1500, up: true }];
  if (overlay) links.push({ index: 3, name: 'vxlan.calico', mtu: 1450, up: true, kind: 'vxlan', ...overlay });
  return { vantage: 'node@a', kind: 'node', node: 'a', links, routeDevs: ['eth0'], problems: [] };
}

const cm = (name: string, data: Record<string, string>, namespace = 'kube-system'): V1ConfigMap => ({
  metadata: { name, namespace },
  data,
});

test('no CNI config, no overlay interface: the overhead is measured (node path − pod path) and the fix is generic', () => {
  const v = mtuVerdict({
    cni: [],
    interfaces: [],
    pairs: [pair('node-node', 1500, search(1500)), pair('pod-pod', 1500, search(1440, 'silent'))],
  });
  assert.equal(v.status, 'problem');
  assert.equal(v.overhead, 60);
  assert.equal(v.overheadSource, 'measured');
  assert.equal(v.mode, 'silent');
  assert.match(v.fix ?? '', /Lower the pod network MTU to 1440 in your CNI's configuration/);
});

test('Cilium: the fix sets mtu to the underlay value (Cilium subtracts its own overhead)', () => {
  const v = mtuVerdict({
    cni: readCniConfigs([
      cm('cilium-config', { 'routing-mode': 'tunnel', 'tunnel-protocol': 'geneve', mtu: '1550' }),
    ]),
    interfaces: [nodeIf({ name: 'cilium_geneve', kind: 'geneve', mtu: 1500 })],
    pairs: [pair('node-node', 1500, search(1500)), pair('pod-pod', 1500, search(1450, 'silent'))],
  });
  assert.equal(v.status, 'problem');
  assert.equal(v.mode, 'fragment-drop');
  assert.match(
    v.fix ?? '',
    /Set mtu to "1500" \(the underlay MTU; Cilium subtracts its 50 bytes, giving pods 1450\)/,
  );
  assert.match(v.fix ?? '', /rollout restart daemonset\/cilium/);
});

test('Flannel: the fix is the node interface MTU flannel derives the pod MTU from', () => {
  const v = mtuVerdict({
    cni: readCniConfigs([
      cm('kube-flannel-cfg', { 'net-conf.json': '{"Backend":{"Type":"vxlan"}}' }, 'kube-flannel'),
    ]),
    interfaces: [nodeIf({ name: 'flannel.1', mtu: 1500, boundTo: 'eth0' })],
    pairs: [pair('node-node', 1500, search(1450)), pair('pod-pod', 1450, search(1400, 'silent'))],
  });
  assert.equal(v.status, 'problem');
  assert.equal(v.underlayMtu, 1450);
  assert.match(
    v.fix ?? '',
    /Flannel derives the pod MTU from the node interface .* \(1450\), so pods get 1400/,
  );
});

test('silent node→node loss is the underlay itself (not the CNI)', () => {
  const v = mtuVerdict({
    cni: readCniConfigs([cm('calico-config', { calico_backend: 'vxlan', veth_mtu: '1450' })]),
    interfaces: [nodeIf({})],
    pairs: [pair('node-node', 9000, search(1500, 'silent')), pair('pod-pod', 1450, search(1450))],
  });
  assert.equal(v.status, 'problem');
  assert.equal(v.mode, 'underlay-blackhole');
  assert.match(v.summary, /carries 1500 bytes while node interfaces send 9000/);
});

test('ICMP-answered shortfall is a warning (PMTUD works) with the announced MTU', () => {
  const v = mtuVerdict({
    cni: readCniConfigs([cm('calico-config', { calico_backend: 'vxlan', veth_mtu: '1500' })]),
    interfaces: [nodeIf({})],
    pairs: [pair('node-node', 1500, search(1500)), pair('pod-pod', 1500, search(1450, 'icmp'))],
  });
  assert.equal(v.status, 'warning');
  assert.equal(v.mode, 'pmtud');
  assert.match(v.summary, /ICMP "fragmentation needed" from 198\.18\.0\.1, so TCP adapts/);
  assert.match(v.fix ?? '', /veth_mtu to "1450"/);
});

test('a local→host path that blackholes is a problem with an MSS hint', () => {
  const v = mtuVerdict({ cni: [], interfaces: [], pairs: [pair('to-host', 1500, search(1400, 'silent'))] });
  assert.equal(v.status, 'problem');
  assert.match(v.fix ?? '', /clamp the TCP MSS to 1360/);
});

test('nothing measured: inconclusive; a config that exceeds a measured underlay without pod pairs: problem', () => {
  assert.equal(mtuVerdict({ cni: [], interfaces: [], pairs: [] }).status, 'inconclusive');
  const blocked = mtuVerdict({
    cni: [],
    interfaces: [],
    pairs: [pair('pod-pod', 1450, search(undefined, undefined, 'unreachable'))],
  });
  assert.equal(blocked.status, 'inconclusive');
  assert.match(blocked.summary, /blocked/);
  const v = mtuVerdict({
    cni: readCniConfigs([cm('calico-config', { calico_backend: 'vxlan', veth_mtu: '1500' })]),
    interfaces: [],
    pairs: [pair('node-node', 1500, search(1500))],
  });
  assert.equal(v.status, 'problem');
  assert.equal(v.podMtuSource, 'cni config');
  assert.match(v.summary, /configured pod MTU 1500 exceeds what the underlay carries \(1450\)/);
});

test('CNI config problems are surfaced as evidence', () => {
  const v = mtuVerdict({
    cni: readCniConfigs([cm('calico-config', { calico_backend: 'vxlan', veth_mtu: 'big' })]),
    interfaces: [],
    pairs: [pair('node-node', 1500, search(1500)), pair('pod-pod', 1450, search(1450))],
  });
  assert.equal(v.status, 'ok');
  assert.ok(v.evidence.some((e) => /veth_mtu: "big" is not an MTU/.test(e)));
});
