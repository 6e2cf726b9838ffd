import type { PathMtuResult } from '../probes/pmtu.js';
import type { CniMtuConfig } from './cni.js';
import type { LinkInfo } from './links.js';
import type { Encapsulation } from './overhead.js';

/** The `mtu` report model: JSON schema version 1 (docs/mtu.md). */

export type PairKind = 'pod-pod' | 'node-node' | 'to-host';

/** What a vantage told us about its interfaces. */
export interface VantageInterfaces {
  vantage: string;
  kind: 'pod' | 'node' | 'local';
  node?: string;
  ip?: string;
  links: LinkInfo[];
  /** The interfaces the kernel routes the measured peers through (from `ip route get`). */
  routeDevs: string[];
  problems: string[];
}

/** One path measured: from a vantage to a peer, exact path MTU and how larger packets die. */
export interface MtuPair {
  kind: PairKind;
  from: { vantage: string; node?: string; ip?: string };
  to: { label: string; ip: string; node?: string };
  /** The MTU the sender's kernel uses towards the peer (route or interface), i.e. the largest size tried. */
  senderMtu?: number;
  senderDev?: string;
  /** The search, with every probe (exact commands to re-run). */
  search: PathMtuResult;
}

export type MtuMode =
  /** The overlay interface accepts pod packets that no longer fit the underlay once encapsulated; the fragments vanish. */
  | 'fragment-drop'
  /** The overlay interface is right, but the pods' MTU is larger and the ICMP "fragmentation needed" never reaches them. */
  | 'icmp-filtered'
  /** Larger packets get ICMP "fragmentation needed": PMTUD works, TCP adapts after a first loss. */
  | 'pmtud'
  /** Node to node, the underlay itself carries less than the node interfaces, silently. */
  | 'underlay-blackhole'
  /** Silent loss from the pods, but what the nodes show does not say why. */
  | 'silent';

export interface MtuVerdict {
  status: 'ok' | 'warning' | 'problem' | 'inconclusive';
  /** Set when status is problem or warning. */
  cause?: 'mtu-blackhole';
  mode?: MtuMode;
  /** One sentence. */
  summary: string;
  /** The underlay MTU: measured node→node, else the nodes' interface MTU. */
  underlayMtu?: number;
  underlaySource?: 'node-to-node path' | 'node interface';
  encapsulation?: Encapsulation;
  overhead?: number;
  overheadSource?: 'cni config' | 'overlay interface' | 'measured';
  /** The largest pod MTU this underlay carries without fragmentation (underlay − overhead). */
  maxPodMtu?: number;
  /** The pods' MTU: from their interfaces, else from the CNI config. */
  podMtu?: number;
  podMtuSource?: 'pod interfaces' | 'cni config';
  /** Smallest exact pod→pod path MTU measured. */
  podPathMtu?: number;
  /** The node overlay interface MTU (e.g. vxlan.calico), when read. */
  overlayMtu?: number;
  /** Configured pod MTU above what the underlay carries. */
  exceeds?: boolean;
  /** Evidence, one statement each. */
  evidence: string[];
  /** What to change, with the value. */
  fix?: string;
  /** The seed's note: the CNI change needs a rolling restart of the CNI pods. */
  restart?: string;
}

export interface MtuReport {
  schemaVersion: 1;
  tool: { name: 'ingress-doctor'; version: string };
  startedAt: string;
  durationMs: number;
  /** Kubernetes API requests made (reads + probe pods + execs), when counted. */
  apiRequests?: number;
  scope: {
    from: 'pod' | 'node' | 'local';
    to: string;
    nodes: string[];
    /** all pairs, or a sample on large clusters (said in `note`). */
    pairs: 'all' | 'sampled' | 'single';
    note?: string;
  };
  cni: CniMtuConfig[];
  interfaces: VantageInterfaces[];
  pairs: MtuPair[];
  verdict: MtuVerdict;
  /** Vantages that could not be used, and why (what that leaves unproven). */
  unavailable: string[];
}
