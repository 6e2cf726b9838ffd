/**
 * The lab's fixed shape: namespace names, interface names and addresses. Every address comes from
 * 198.18.0.0/15 (RFC 2544 benchmarking range), so nothing the lab builds can collide with a real network.
 *
 *   client ns  eth0 198.19.0.10 ──veth── lb ns pub0 198.19.0.1 (the LB's public address, haproxy)
 *                                        lb ns eth1 198.18.0.1 ──┐
 *   net ns (the underlay switch, bridge br0) ────────────────────┼── cp ns eth0 198.18.0.2 (lab API :6443)
 *                                                                ├── node-1 ns eth0 198.18.0.11
 *                                                                └── node-2 ns eth0 198.18.0.12
 *   node-N ns: bridge cni0 (pod gateway .1 of its pod CIDR), vxlan.calico (overlay), kube-proxy chains
 *   pod ns: eth0 (veth to its node's cni0), default route via the node's cni0 address
 */

export const LAB_NAME_PATTERN = /^[a-z0-9]{1,12}$/;

/** Where the internet sits: the client and the LB's public side. */
export const INTERNET = {
  cidr: '198.19.0.0/24',
  prefix: 24,
  client: '198.19.0.10',
  lbPublic: '198.19.0.1',
  /** The client's stub resolver (like systemd-resolved's 127.0.0.53), answering the public zone. */
  publicResolver: '127.0.0.53',
  /** A stale record target for the dns-mismatch fault: an old LB address nobody answers on. */
  staleAddress: '198.19.0.99',
} as const;

/** The cloud's private network the LB, the control plane and the nodes share. */
export const UNDERLAY = {
  cidr: '198.18.0.0/24',
  prefix: 24,
  lbInner: '198.18.0.1',
  controlPlane: '198.18.0.2',
  apiPort: 6443,
} as const;

export const CLUSTER = {
  podCidr: '198.18.16.0/20',
  serviceCidr: '198.18.128.0/17',
  dnsServiceIP: '198.18.128.10',
  domain: 'cluster.local',
  /** VXLAN overhead: outer Ethernet 14 + IP 20 + UDP 8 + VXLAN 8. */
  vxlanOverhead: 50,
  vxlanId: 4096,
  vxlanPort: 4789,
} as const;

export const PUBLIC_HOST = 'app.example.test';

/**
 * The lab API's name in the in-lab kubeconfig: only the lab's resolvers know it (`.internal` is reserved for
 * private use and never delegated), so that kubeconfig used outside the lab fails to resolve instead of sending
 * packets to 198.18.0.2 on a real network. From the host, `lab kubeconfig` gives one for the 127.0.0.1 forwarder.
 */
export function apiHostName(lab: string): string {
  return `kubernetes.${lab}.lab.internal`;
}

export interface NodeLayout {
  name: string;
  index: number;
  ip: string;
  podCidr: string;
  /** .0 of the pod CIDR: the node's address on the overlay device (flannel/Calico style). */
  overlayIP: string;
  /** .1 of the pod CIDR: the node's address on its pod bridge, the pods' default gateway. */
  gateway: string;
  vxlanMac: string;
}

export const NODES: readonly NodeLayout[] = [
  {
    name: 'node-1',
    index: 1,
    ip: '198.18.0.11',
    podCidr: '198.18.16.0/24',
    overlayIP: '198.18.16.0',
    gateway: '198.18.16.1',
    vxlanMac: '02:c6:12:10:00:01',
  },
  {
    name: 'node-2',
    index: 2,
    ip: '198.18.0.12',
    podCidr: '198.18.17.0/24',
    overlayIP: '198.18.17.0',
    gateway: '198.18.17.1',
    vxlanMac: '02:c6:12:11:00:02',
  },
];

export const IFACE = {
  bridge: 'cni0',
  overlay: 'vxlan.calico',
  underlaySwitch: 'br0',
} as const;

/** Names of one lab's network namespaces. */
export interface LabNamespaces {
  prefix: string;
  client: string;
  lb: string;
  net: string;
  cp: string;
  nodes: Record<string, string>;
}

export function labNamespaces(lab: string): LabNamespaces {
  const prefix = `idl-${lab}-`;
  return {
    prefix,
    client: `${prefix}client`,
    lb: `${prefix}lb`,
    net: `${prefix}net`,
    cp: `${prefix}cp`,
    nodes: Object.fromEntries(NODES.map((n) => [n.name, `${prefix}${n.name}`])),
  };
}

/**
 * A pod's network namespace: readable in `ip netns` output, unique per Kubernetes namespace/name. Names too long
 * for a file name are cut and end in a hash of the whole identity, so two pods whose long names share a prefix
 * never share a namespace (and one's clean-up never removes the other's).
 */
export function podNetns(lab: string, namespace: string, name: string): string {
  const full = `idl-${lab}-pod-${namespace}-${name}`;
  if (full.length <= 200) return full;
  const h =
    fnv1a(`${namespace}/${name}`).toString(16).padStart(8, '0') +
    fnv1a(`${name}/${namespace}`).toString(16).padStart(8, '0');
  return `${full.slice(0, 183)}-${h}`;
}

/** FNV-1a, enough to spread interface names; not security relevant. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Host-side veth of a pod, Calico style ("cali" + 11 hex), at most 15 characters. */
export function podHostIface(namespace: string, name: string): string {
  const a = fnv1a(`${namespace}/${name}`).toString(16).padStart(8, '0');
  const b = fnv1a(`${name}/${namespace}`).toString(16).padStart(8, '0');
  return `cali${a}${b}`.slice(0, 15);
}

export function nodeByName(name: string | undefined): NodeLayout {
  return NODES.find((n) => n.name === name) ?? (NODES[0] as NodeLayout);
}

/** 198.18.16.0/24 + 10 → 198.18.16.10 (only /24s are used). */
export function hostInCidr(cidr: string, host: number): string {
  const base = cidr.split('/')[0] as string;
  const parts = base.split('.');
  parts[3] = String(host);
  return parts.join('.');
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const toInt = (a: string) => a.split('.').reduce((acc, p) => (acc << 8) + Number(p), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) >>> 0 === (toInt(base as string) & mask) >>> 0;
}

export function defaultStateRoot(env: NodeJS.ProcessEnv): string {
  return env.INGRESS_DOCTOR_LAB_DIR || '/run/ingress-doctor/labs';
}
