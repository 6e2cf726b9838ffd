import { cniMtuMismatch, UNDERLAY_MTU_ANNOTATION } from '../../src/checks/cni-mtu-mismatch.js';
import { tableTest } from './harness.js';

type Obj = Record<string, unknown>;

function calico(vethMtu: string, backend = 'vxlan', annotations?: Record<string, string>): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'calico-config', namespace: 'kube-system', ...(annotations ? { annotations } : {}) },
    data: { calico_backend: backend, veth_mtu: vethMtu },
  };
}

function cilium(data: Record<string, string>): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cilium-config', namespace: 'kube-system' },
    data,
  };
}

function flannel(netConf: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-flannel-cfg', namespace: 'kube-flannel' },
    data: { 'net-conf.json': netConf },
  };
}

function node(name: string, o: { providerID?: string; underlay?: string } = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, ...(o.underlay ? { annotations: { [UNDERLAY_MTU_ANNOTATION]: o.underlay } } : {}) },
    spec: o.providerID ? { providerID: o.providerID } : {},
    status: { addresses: [{ type: 'InternalIP', address: '198.18.0.11' }] },
  };
}

tableTest(cniMtuMismatch, {
  valid: [
    { name: 'Calico VXLAN at 1450 on the assumed 1500 underlay', objects: [calico('1450'), node('a')] },
    { name: 'Calico MTU auto-detected ("0")', objects: [calico('0'), node('a')] },
    {
      name: 'Calico BGP (bird): encapsulation decided by the IPPool, not judged',
      objects: [calico('1500', 'bird')],
    },
    { name: 'jumbo pods (8950) chosen on purpose, underlay unknown', objects: [calico('8950'), node('a')] },
    {
      name: 'AWS nodes: VPC jumbo frames, 1500 pods over VXLAN fit',
      objects: [calico('1500'), node('a', { providerID: 'aws:///eu-west-1a/i-0abc' })],
    },
    {
      name: 'underlay stated as 9000: 1500 pods fit',
      objects: [calico('1500'), node('a', { underlay: '9000' })],
    },
    {
      name: 'Cilium with auto MTU',
      objects: [cilium({ 'routing-mode': 'tunnel', 'tunnel-protocol': 'vxlan' })],
    },
    {
      name: 'Cilium native routing at 1500',
      objects: [cilium({ 'routing-mode': 'native', mtu: '1500' }), node('a')],
    },
    {
      name: 'Flannel derives its MTU from the node interface',
      objects: [flannel('{"Network":"198.18.64.0/18","Backend":{"Type":"vxlan"}}')],
    },
    { name: 'no CNI ConfigMap at all', objects: [node('a')] },
    {
      name: 'a calico-config outside kube-system is not the CNI',
      objects: [{ ...calico('1500'), metadata: { name: 'calico-config', namespace: 'shop' } }],
    },
  ],
  invalid: [
    {
      name: 'Calico VXLAN with veth_mtu 1500 (the mtu-blackhole): warning on the assumed underlay',
      objects: [calico('1500'), node('a'), node('b')],
      findings: [
        {
          cause: 'mtu-blackhole',
          severity: 'warning',
          object: { kind: 'ConfigMap', namespace: 'kube-system', name: 'calico-config' },
          message: [
            'calico gives pods MTU 1500 with VXLAN (50 bytes',
            'need 1550 bytes, the underlay carries 1500',
          ],
          fix: [
            'veth_mtu: "1450" in ConfigMap kube-system/calico-config',
            'rollout restart daemonset/calico-node',
            UNDERLAY_MTU_ANNOTATION,
          ],
        },
      ],
    },
    {
      name: 'underlay stated (annotation) makes it certain: error',
      objects: [calico('1500'), node('a', { underlay: '1500' })],
      findings: [
        {
          cause: 'mtu-blackhole',
          severity: 'error',
          object: { kind: 'ConfigMap', name: 'calico-config' },
          message: [`annotation ${UNDERLAY_MTU_ANNOTATION}`],
          fix: ['veth_mtu: "1450"'],
        },
      ],
    },
    {
      name: 'the annotation on the ConfigMap works too, and stated jumbo pods above it are errors',
      objects: [calico('8950', 'vxlan', { [UNDERLAY_MTU_ANNOTATION]: '1500' }), node('a')],
      findings: [
        {
          cause: 'mtu-blackhole',
          severity: 'error',
          object: { kind: 'ConfigMap', name: 'calico-config' },
          message: ['need 9000 bytes'],
        },
      ],
    },
    {
      name: 'GCE nodes: VPC default 1460 is too small for Calico VXLAN at 1450',
      objects: [calico('1450'), node('a', { providerID: 'gce://proj/europe-west1-b/a' })],
      findings: [
        {
          cause: 'mtu-blackhole',
          severity: 'warning',
          object: { kind: 'ConfigMap', name: 'calico-config' },
          message: ['GCE VPC networks default to MTU 1460'],
          fix: ['veth_mtu: "1410"'],
        },
      ],
    },
    {
      name: 'Cilium VXLAN told the underlay is 1500 on a stated 1450 underlay',
      objects: [
        cilium({ 'routing-mode': 'tunnel', 'tunnel-protocol': 'vxlan', mtu: '1500' }),
        node('a', { underlay: '1450' }),
      ],
      findings: [
        {
          cause: 'mtu-blackhole',
          severity: 'error',
          object: { kind: 'ConfigMap', name: 'cilium-config' },
          fix: ['mtu: "1450" in ConfigMap kube-system/cilium-config', 'rollout restart daemonset/cilium'],
        },
      ],
    },
    {
      name: 'file:line points at the ConfigMap document',
      objects: `apiVersion: v1
kind: Node
metadata:
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: calico-config
  namespace: kube-system
data:
  calico_backend: "vxlan"
  veth_mtu: "1500"
`,
      findings: [
        {
          cause: 'mtu-blackhole',
          severity: 'warning',
          object: { kind: 'ConfigMap', name: 'calico-config', line: 6 },
        },
      ],
    },
  ],
});
