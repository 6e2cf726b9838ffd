import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { type CniMtuConfig, readCniConfigs } from '../../src/mtu/cni.js';
import { maxPodMtu, OVERHEAD, overheadOf } from '../../src/mtu/overhead.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/mtu/cni');

function load(name: string): V1ConfigMap[] {
  const text = readFileSync(path.join(FIXTURES, `${name}.yaml`), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS() as V1ConfigMap);
}

function only(name: string): CniMtuConfig {
  const all = readCniConfigs(load(name));
  assert.equal(all.length, 1, `${name}: one CNI config`);
  return all[0];
}

type Expect = Partial<
  Pick<
    CniMtuConfig,
    'cni' | 'encapsulation' | 'encapsulationCertain' | 'overhead' | 'podMtu' | 'autoDetect' | 'mtu'
  >
> & {
  problems?: RegExp;
  source?: RegExp;
  namespace?: string;
};

const CASES: Record<string, Expect> = {
  'calico-vxlan': {
    cni: 'calico',
    encapsulation: 'vxlan',
    encapsulationCertain: true,
    overhead: 50,
    podMtu: 1450,
    autoDetect: false,
    mtu: { value: 1450, meaning: 'pod' },
    source: /calico_backend: "vxlan"/,
  },
  'calico-vxlan-1500': { cni: 'calico', encapsulation: 'vxlan', overhead: 50, podMtu: 1500 },
  'calico-bird-auto': {
    cni: 'calico',
    encapsulation: 'ipip',
    encapsulationCertain: false,
    overhead: 20,
    podMtu: undefined,
    autoDetect: true,
  },
  'calico-bad-mtu': {
    cni: 'calico',
    podMtu: undefined,
    problems: /veth_mtu: "fifteen hundred" is not an MTU/,
  },
  'flannel-vxlan': {
    cni: 'flannel',
    encapsulation: 'vxlan',
    encapsulationCertain: true,
    overhead: 50,
    autoDetect: true,
    podMtu: undefined,
    namespace: 'kube-flannel',
  },
  'flannel-host-gw-old-ns': { cni: 'flannel', encapsulation: 'none', overhead: 0, namespace: 'kube-system' },
  'flannel-no-backend': { cni: 'flannel', encapsulation: 'udp', overhead: 28, source: /defaults to udp/ },
  'flannel-broken': { cni: 'flannel', encapsulation: undefined, problems: /net-conf.json is not valid JSON/ },
  'flannel-mtu': {
    cni: 'flannel',
    encapsulation: 'wireguard',
    overhead: 60,
    mtu: { value: 1420, meaning: 'underlay' },
    podMtu: 1360,
    autoDetect: false,
  },
  'cilium-default': {
    cni: 'cilium',
    encapsulation: 'vxlan',
    encapsulationCertain: true,
    overhead: 50,
    autoDetect: true,
    podMtu: undefined,
  },
  'cilium-native-jumbo': {
    cni: 'cilium',
    encapsulation: 'none',
    overhead: 0,
    mtu: { value: 9001, meaning: 'underlay' },
    podMtu: 9001,
  },
  'cilium-geneve-wireguard': {
    cni: 'cilium',
    encapsulation: 'wireguard',
    overhead: 130,
    podMtu: 1370,
    source: /tunnel: "geneve", enable-wireguard: "true"/,
  },
  'cilium-legacy-disabled': {
    cni: 'cilium',
    encapsulation: 'none',
    overhead: 0,
    source: /tunnel: "disabled"/,
  },
};

for (const [name, want] of Object.entries(CASES)) {
  test(`readCniConfigs: ${name}`, () => {
    const got = only(name);
    for (const key of [
      'cni',
      'encapsulation',
      'encapsulationCertain',
      'overhead',
      'podMtu',
      'autoDetect',
      'mtu',
    ] as const) {
      if (key in want) assert.deepEqual(got[key], want[key], `${name}.${key}`);
    }
    if (want.problems) assert.match(got.problems.join('\n'), want.problems);
    else assert.deepEqual(got.problems, [], `${name}: no problems`);
    if (want.source) assert.match(got.encapsulationSource, want.source);
    if (want.namespace) assert.equal(got.configMap.namespace, want.namespace);
    assert.match(got.restart, /^kubectl -n \S+ rollout restart daemonset\//);
  });
}

test('readCniConfigs ignores other ConfigMaps and same names in other namespaces', () => {
  const cms: V1ConfigMap[] = [
    { metadata: { name: 'calico-config', namespace: 'shop' }, data: { veth_mtu: '9000' } },
    { metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' }, data: {} },
  ];
  assert.deepEqual(readCniConfigs(cms), []);
});

test('overhead table: VXLAN 50, Geneve 50+, IP-in-IP 20, WireGuard 60/80, native 0', () => {
  assert.equal(overheadOf('vxlan'), 50);
  assert.equal(overheadOf('geneve'), 50);
  assert.equal(overheadOf('ipip'), 20);
  assert.equal(overheadOf('wireguard'), 60);
  assert.equal(overheadOf('wireguard', 'ipv6'), 80);
  assert.equal(overheadOf('none'), 0);
  assert.match(OVERHEAD.geneve.breakdown, /options/);
  assert.equal(maxPodMtu(1500, 50), 1450);
  assert.equal(maxPodMtu(9000, 50), 8950);
});
