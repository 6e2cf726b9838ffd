import type { V1ConfigMap } from '@kubernetes/client-node';
import { type Encapsulation, overheadOf } from './overhead.js';

/**
 * The CNI's MTU configuration, read from the ConfigMaps the common CNIs install. These are the real formats:
 * Calico manifests: kube-system/calico-config (`veth_mtu`, `calico_backend`); Flannel: kube-flannel-cfg in
 * kube-flannel (or kube-system on older installs), `net-conf.json`; Cilium: kube-system/cilium-config (`mtu`,
 * `routing-mode`, `tunnel-protocol`, the older `tunnel`, `enable-wireguard`). Pure: ConfigMaps in, facts out.
 */

export type CniName = 'calico' | 'flannel' | 'cilium';

export interface CniMtuConfig {
  cni: CniName;
  configMap: { namespace: string; name: string };
  /** How pod traffic crosses the underlay, when the config says (or implies it by the CNI's default). */
  encapsulation?: Encapsulation;
  /** false when the encapsulation is a default that other objects (IPPools, flags) may override. */
  encapsulationCertain: boolean;
  /** The keys that told us, e.g. `calico_backend: "vxlan"`. */
  encapsulationSource: string;
  /** Overhead in bytes (IPv4 underlay) of that encapsulation. */
  overhead?: number;
  /**
   * The configured MTU value and what it means: `pod` = the MTU of the pods' interfaces (Calico veth_mtu);
   * `underlay` = the underlay MTU the CNI subtracts its overhead from (Cilium mtu).
   */
  mtu?: { value: number; meaning: 'pod' | 'underlay' };
  /** The CNI derives the pod MTU itself from the node's interface (Calico veth_mtu "0", Cilium mtu "0", Flannel). */
  autoDetect: boolean;
  /** The pod MTU this config yields when it is fixed (not auto-detected). */
  podMtu?: number;
  /** The knob to turn for a fix. */
  setting: { key: string; describe: string };
  /** kubectl command that rolls the CNI pods after a change (the seed: plan a brief disruption per node). */
  restart: string;
  /** Values we could not parse, said plainly. */
  problems: string[];
}

/** Where the CNIs keep their ConfigMaps: read these by name (narrow reads, few API requests). */
export const CNI_CONFIG_MAPS: readonly { namespace: string; name: string; cni: CniName }[] = [
  { namespace: 'kube-system', name: 'calico-config', cni: 'calico' },
  { namespace: 'kube-flannel', name: 'kube-flannel-cfg', cni: 'flannel' },
  { namespace: 'kube-system', name: 'kube-flannel-cfg', cni: 'flannel' },
  { namespace: 'kube-system', name: 'cilium-config', cni: 'cilium' },
];

/** Read every CNI config found among these ConfigMaps (any order, other ConfigMaps ignored). */
export function readCniConfigs(configMaps: readonly V1ConfigMap[]): CniMtuConfig[] {
  const out: CniMtuConfig[] = [];
  for (const where of CNI_CONFIG_MAPS) {
    const cm = configMaps.find(
      (c) => c.metadata?.namespace === where.namespace && c.metadata?.name === where.name,
    );
    if (!cm) continue;
    const data = cm.data ?? {};
    if (where.cni === 'calico') out.push(readCalico(where, data));
    else if (where.cni === 'flannel') out.push(readFlannel(where, data));
    else out.push(readCilium(where, data));
  }
  return out;
}

/** A positive integer MTU in a string, or a problem. "0" and "" mean "auto" where the CNI says so. */
function parseMtu(raw: string | undefined, key: string, problems: string[]): number | 'auto' | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim().replace(/^"|"$/g, '');
  if (t === '' || t === '0') return 'auto';
  if (!/^\d+$/.test(t) || Number(t) < 68 || Number(t) > 65535) {
    problems.push(`${key}: ${JSON.stringify(raw)} is not an MTU (68..65535, or "0" for auto-detection)`);
    return undefined;
  }
  return Number(t);
}

function readCalico(where: { namespace: string; name: string }, data: Record<string, string>): CniMtuConfig {
  const problems: string[] = [];
  const backend = (data.calico_backend ?? '').trim();
  let encapsulation: Encapsulation | undefined;
  let certain = false;
  if (backend === 'vxlan') {
    encapsulation = 'vxlan';
    certain = true;
  } else if (backend === 'bird') {
    // BGP: pod traffic is IP-in-IP when the IPPool's ipipMode is Always/CrossSubnet (the manifest's default),
    // unencapsulated when Never. The IPPool, not this ConfigMap, decides.
    encapsulation = 'ipip';
  }
  const veth = parseMtu(data.veth_mtu, 'veth_mtu', problems);
  const cfg: CniMtuConfig = {
    cni: 'calico',
    configMap: { namespace: where.namespace, name: where.name },
    encapsulationCertain: certain,
    encapsulationSource: backend ? `calico_backend: "${backend}"` : 'calico_backend not set',
    autoDetect: veth === 'auto' || veth === undefined,
    setting: {
      key: 'veth_mtu',
      describe: `veth_mtu in ConfigMap ${where.namespace}/${where.name}`,
    },
    restart: 'kubectl -n kube-system rollout restart daemonset/calico-node',
    problems,
  };
  if (encapsulation) {
    cfg.encapsulation = encapsulation;
    cfg.overhead = overheadOf(encapsulation);
  }
  if (typeof veth === 'number') {
    cfg.mtu = { value: veth, meaning: 'pod' };
    cfg.podMtu = veth;
  }
  return cfg;
}

const FLANNEL_BACKENDS: Record<string, Encapsulation> = {
  vxlan: 'vxlan',
  'host-gw': 'none',
  udp: 'udp',
  wireguard: 'wireguard',
  ipip: 'ipip',
  alivpc: 'none',
  alloc: 'none',
  'aws-vpc': 'none',
  gce: 'none',
  tencentvpc: 'none',
};

function readFlannel(where: { namespace: string; name: string }, data: Record<string, string>): CniMtuConfig {
  const problems: string[] = [];
  const cfg: CniMtuConfig = {
    cni: 'flannel',
    configMap: { namespace: where.namespace, name: where.name },
    encapsulationCertain: false,
    encapsulationSource: 'net-conf.json missing',
    // Flannel sets the pod MTU itself: the chosen node interface's MTU minus the backend's overhead.
    autoDetect: true,
    setting: {
      key: 'net-conf.json',
      describe: `the node interface flannel uses (its MTU minus the backend overhead becomes the pod MTU; ConfigMap ${where.namespace}/${where.name} selects the backend)`,
    },
    restart: `kubectl -n ${where.namespace} rollout restart daemonset/kube-flannel-ds`,
    problems,
  };
  const raw = data['net-conf.json'];
  if (raw === undefined) return cfg;
  let conf: unknown;
  try {
    conf = JSON.parse(raw);
  } catch (err) {
    problems.push(`net-conf.json is not valid JSON: ${(err as Error).message}`);
    return cfg;
  }
  if (typeof conf !== 'object' || conf === null) {
    problems.push('net-conf.json is not a JSON object');
    return cfg;
  }
  const c = conf as { Backend?: { Type?: unknown; MTU?: unknown }; MTU?: unknown };
  // Flannel's own default when Backend is absent is "udp" (pkg/subnet/config.go).
  const type = c.Backend === undefined ? 'udp' : typeof c.Backend.Type === 'string' ? c.Backend.Type : '';
  cfg.encapsulationSource =
    c.Backend === undefined
      ? 'net-conf.json: no Backend (flannel defaults to udp)'
      : `net-conf.json Backend.Type: "${type}"`;
  const enc = FLANNEL_BACKENDS[type];
  if (enc) {
    cfg.encapsulation = enc;
    cfg.encapsulationCertain = true;
    cfg.overhead = overheadOf(enc);
  } else {
    problems.push(`net-conf.json Backend.Type ${JSON.stringify(type)} is not a flannel backend we know`);
  }
  const declared = c.Backend?.MTU ?? c.MTU;
  if (declared !== undefined) {
    const m = parseMtu(String(declared), 'net-conf.json MTU', problems);
    if (typeof m === 'number') {
      // Distributions that set it (e.g. Talos backendMTU) mean the transport (underlay) MTU.
      cfg.mtu = { value: m, meaning: 'underlay' };
      cfg.autoDetect = false;
      if (cfg.overhead !== undefined) cfg.podMtu = m - cfg.overhead;
    }
  }
  return cfg;
}

function readCilium(where: { namespace: string; name: string }, data: Record<string, string>): CniMtuConfig {
  const problems: string[] = [];
  const routingMode = data['routing-mode']?.trim();
  const legacyTunnel = data.tunnel?.trim();
  const protocol = data['tunnel-protocol']?.trim();
  const wireguard = data['enable-wireguard']?.trim() === 'true';
  let tunnel: Encapsulation | undefined;
  const sources: string[] = [];
  if (routingMode === 'native' || legacyTunnel === 'disabled') {
    tunnel = 'none';
    sources.push(routingMode === 'native' ? 'routing-mode: "native"' : 'tunnel: "disabled"');
  } else {
    const p = protocol || (legacyTunnel && legacyTunnel !== 'disabled' ? legacyTunnel : '') || 'vxlan';
    if (p === 'vxlan' || p === 'geneve') tunnel = p;
    else problems.push(`tunnel protocol ${JSON.stringify(p)} is not vxlan or geneve`);
    sources.push(
      protocol
        ? `tunnel-protocol: "${protocol}"`
        : legacyTunnel
          ? `tunnel: "${legacyTunnel}"`
          : `routing-mode: "${routingMode ?? 'tunnel'}" (default protocol vxlan)`,
    );
  }
  if (wireguard) sources.push('enable-wireguard: "true"');
  const mtu = parseMtu(data.mtu, 'mtu', problems);
  const cfg: CniMtuConfig = {
    cni: 'cilium',
    configMap: { namespace: where.namespace, name: where.name },
    encapsulationCertain: routingMode !== undefined || legacyTunnel !== undefined || protocol !== undefined,
    encapsulationSource: sources.join(', '),
    autoDetect: mtu === 'auto' || mtu === undefined,
    setting: {
      key: 'mtu',
      describe: `mtu in ConfigMap ${where.namespace}/${where.name} (the underlay MTU; Cilium subtracts its overhead for the pods)`,
    },
    restart: 'kubectl -n kube-system rollout restart daemonset/cilium',
    problems,
  };
  if (tunnel) {
    // Cilium subtracts the tunnel overhead (50) and, with WireGuard, its own 80 bytes (pkg/mtu).
    cfg.encapsulation = wireguard ? 'wireguard' : tunnel;
    cfg.overhead = overheadOf(tunnel) + (wireguard ? 80 : 0);
  }
  if (typeof mtu === 'number') {
    cfg.mtu = { value: mtu, meaning: 'underlay' };
    if (cfg.overhead !== undefined) cfg.podMtu = mtu - cfg.overhead;
  }
  return cfg;
}

/** The value to put into the CNI's setting so pods fit an underlay of `underlayMtu`. */
export function settingValueFor(cfg: CniMtuConfig, underlayMtu: number, overhead: number): number {
  return cfg.cni === 'calico' ? underlayMtu - overhead : underlayMtu;
}
