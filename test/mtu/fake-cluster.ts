import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { V1ConfigMap, V1Node } from '@kubernetes/client-node';
import type { MtuClusterView } from '../../src/mtu/run.js';
import { execLocal } from '../../src/vantage/local.js';
import type { Vantage, VantageProvider } from '../../src/vantage/types.js';
import { VantageUnavailable } from '../../src/vantage/types.js';

/**
 * A cluster made of fake `ping` and `ip` commands: the real batch and interface scripts run under a real sh,
 * with PATH pointing at stand-ins that answer like iputils and iproute2 would on the described network.
 * No packets are sent; each vantage is an environment (FAKE_VANTAGE) the stand-ins read.
 */
export interface FakeNode {
  name: string;
  ip: string;
  podIp: string;
  /** Underlay interface MTU of the node. */
  nodeMtu: number;
  /** The pods' eth0 MTU. */
  podMtu: number;
  /** The node's overlay interface, if any. */
  overlay?: { name: string; kind: 'vxlan' | 'geneve' | 'ipip' | 'wireguard'; mtu: number; bound: boolean };
}

export interface FakeClusterModel {
  nodes: FakeNode[];
  /** Path MTU between pods on different nodes, and how larger packets die. */
  podPath: { mtu: number; mode: 'silent' | 'icmp' };
  /** Path MTU between nodes on the underlay. */
  nodePath: { mtu: number; mode: 'silent' | 'icmp' };
  configMaps?: V1ConfigMap[];
  /** Vantages that cannot be created, e.g. "pod@node-b". */
  unavailable?: string[];
  /** Targets that never answer at all (blocked). */
  blocked?: string[];
}

const PING = `#!/bin/sh
# fake iputils ping: ping -M do -s SIZE -c 1 -W WAIT TARGET
S=$4; T=$9; size=$((S + 28))
line=$(grep "^$T " "$FAKE_DIR/$FAKE_VANTAGE.paths" 2>/dev/null)
set -- $line
path=$2; mode=$3
echo "PING $T ($T) $S($size) bytes of data."
if [ -n "$path" ] && [ "$size" -le "$path" ]; then
  echo "$((S + 8)) bytes from $T: icmp_seq=1 ttl=63 time=0.050 ms"
  echo; echo "--- $T ping statistics ---"; echo "1 packets transmitted, 1 received, 0% packet loss, time 0ms"
  exit 0
fi
if [ "$mode" = icmp ]; then
  echo "From 198.18.0.1 icmp_seq=1 Frag needed and DF set (mtu = $path)"
  echo; echo "--- $T ping statistics ---"; echo "1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms"
  exit 1
fi
echo; echo "--- $T ping statistics ---"; echo "1 packets transmitted, 0 received, 100% packet loss, time 0ms"
exit 1
`;

const IP = `#!/bin/sh
# fake iproute2: ip -o -d link show | ip route get ADDR
if [ "$1" = route ]; then
  echo "$3 via 198.18.0.1 dev $(cat "$FAKE_DIR/$FAKE_VANTAGE.dev") src 198.18.0.99 uid 0 "
  echo "    cache "
  exit 0
fi
cat "$FAKE_DIR/$FAKE_VANTAGE.links"
`;

function linkLine(index: number, name: string, mtu: number, kindPart: string): string {
  return `${index}: ${name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${mtu} qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 0a:00:00:00:00:0${index} brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 65535 ${kindPart}`;
}

export interface FakeCluster {
  view: MtuClusterView;
  provider: VantageProvider & { execs: string[]; cleaned: boolean; created: string[] };
  dispose(): void;
}

export function fakeCluster(model: FakeClusterModel): FakeCluster {
  const dir = mkdtempSync(path.join(tmpdir(), 'idoc-fakecluster-'));
  writeFileSync(path.join(dir, 'ping'), PING);
  writeFileSync(path.join(dir, 'ip'), IP);
  chmodSync(path.join(dir, 'ping'), 0o755);
  chmodSync(path.join(dir, 'ip'), 0o755);
  const blocked = new Set(model.blocked ?? []);
  for (const n of model.nodes) {
    const others = model.nodes.filter((o) => o !== n);
    // pod vantage
    writeFileSync(
      path.join(dir, `pod@${n.name}.links`),
      `${[linkLine(1, 'lo', 65536, ''), linkLine(2, 'eth0@if7', n.podMtu, '\\    veth addrgenmode eui64')].join('\n')}\n`,
    );
    writeFileSync(path.join(dir, `pod@${n.name}.dev`), 'eth0');
    writeFileSync(
      path.join(dir, `pod@${n.name}.paths`),
      others
        .filter((o) => !blocked.has(o.podIp))
        .map((o) => `${o.podIp} ${model.podPath.mtu} ${model.podPath.mode}\n`)
        .join(''),
    );
    // node vantage
    const links = [linkLine(1, 'lo', 65536, ''), linkLine(2, 'ens5', n.nodeMtu, '')];
    if (n.overlay) {
      const kind =
        n.overlay.kind === 'vxlan'
          ? `\\    vxlan id 4096 local ${n.ip}${n.overlay.bound ? ' dev ens5' : ''} srcport 0 0 dstport 4789 ttl auto`
          : `\\    ${n.overlay.kind} addrgenmode none`;
      links.push(linkLine(3, n.overlay.name, n.overlay.mtu, kind));
    }
    writeFileSync(path.join(dir, `node@${n.name}.links`), `${links.join('\n')}\n`);
    writeFileSync(path.join(dir, `node@${n.name}.dev`), 'ens5');
    writeFileSync(
      path.join(dir, `node@${n.name}.paths`),
      others
        .filter((o) => !blocked.has(o.ip))
        .map((o) => `${o.ip} ${model.nodePath.mtu} ${model.nodePath.mode}\n`)
        .join(''),
    );
    writeFileSync(path.join(dir, `local.links`), `${linkLine(2, 'eth0', 1500, '')}\n`);
    writeFileSync(path.join(dir, `local.dev`), 'eth0');
  }
  const execs: string[] = [];
  const created: string[] = [];
  const vantage = (id: string, kind: Vantage['kind'], nodeName?: string, ip?: string): Vantage => {
    const v: Vantage = {
      id,
      kind,
      exec: (argv, opts) => {
        execs.push(id);
        return execLocal(argv, {
          ...opts,
          env: { PATH: `${dir}:${process.env.PATH}`, FAKE_DIR: dir, FAKE_VANTAGE: id },
        });
      },
    };
    if (nodeName) v.nodeName = nodeName;
    if (ip) v.ip = ip;
    return v;
  };
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const get = async (kind: 'pod' | 'node', name: string) => {
    const id = `${kind}@${name}`;
    if (model.unavailable?.includes(id))
      throw new VantageUnavailable(`probe pod for ${id} did not run within 60 s`, 'timeout');
    const n = byName.get(name);
    if (!n) throw new VantageUnavailable(`no node ${name}`, 'error');
    created.push(id);
    return vantage(id, kind, name, kind === 'pod' ? n.podIp : n.ip);
  };
  const provider = {
    execs,
    created,
    cleaned: false,
    local: () => vantage('local', 'local'),
    pod: (n: string) => get('pod', n),
    node: (n: string) => get('node', n),
    async cleanup() {
      provider.cleaned = true;
    },
    requestCount: () => created.length + execs.length,
  };
  const nodes: V1Node[] = model.nodes.map((n) => ({
    metadata: { name: n.name },
    status: { addresses: [{ type: 'InternalIP', address: n.ip }] },
  }));
  return {
    view: {
      nodes,
      configMaps: model.configMaps ?? [],
      loadBalancers: [
        { label: 'ingress-nginx/ingress-nginx-controller (198.19.0.10)', address: '198.19.0.10' },
      ],
    },
    provider,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function calicoConfig(vethMtu: string, backend = 'vxlan'): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'calico-config', namespace: 'kube-system' },
    data: { calico_backend: backend, veth_mtu: vethMtu },
  };
}

export function twoNodes(o: {
  nodeMtu: number;
  podMtu: number;
  overlayMtu: number;
  bound: boolean;
}): FakeNode[] {
  return ['node-a', 'node-b'].map((name, i) => ({
    name,
    ip: `198.18.0.${11 + i}`,
    podIp: `198.18.${16 + i}.5`,
    nodeMtu: o.nodeMtu,
    podMtu: o.podMtu,
    overlay: { name: 'vxlan.calico', kind: 'vxlan', mtu: o.overlayMtu, bound: o.bound },
  }));
}
