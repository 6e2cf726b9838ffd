/** The five networks between a client and a pod (see docs/model.md and design.md). */
export type Hop = 1 | 2 | 3 | 4 | 5;

export const HOP_NAMES: Record<Hop, string> = {
  1: 'client → load balancer',
  2: 'load balancer → NodePort',
  3: 'NodePort → kube-proxy',
  4: 'kube-proxy → Service',
  5: 'Service → Pod',
};

/** Stable cause ids: users and tests script against these, never rename one. */
export const CAUSE_IDS = [
  'dns-mismatch',
  'tls-certificate-mismatch',
  'health-check-path-mismatch',
  'nodeport-blocked',
  'kube-proxy-down',
  'conntrack-exhaustion',
  'host-rule-mismatch',
  'service-not-found',
  'service-port-not-found',
  'no-endpoints',
  'target-port-mismatch',
  'mtu-blackhole',
  'network-policy-blocked',
  'backend-protocol-mismatch',
  'app-not-listening',
  'keepalive-race',
  'proxy-timeout',
  'upstream-header-too-big',
  'missing-default-deny',
  'timeouts-not-explicit',
  'probe-paths-diverge',
  'no-prestop-drain',
  'single-replica',
  'ingress-class-missing',
  'duplicate-route',
  // Added by the catalog (append only, never reorder): causes real clusters need beyond issue 2's list.
  'externalname-backend',
  'body-too-large',
] as const;

export type CauseId = (typeof CAUSE_IDS)[number];

export interface Cause {
  id: CauseId;
  hop: Hop;
  title: string;
  /** What a user sees: status codes, exact log lines. */
  signature: string[];
  /** How ingress-doctor detects it (static check, live probe, or both). */
  detection: string;
  fix: string;
  /** Manual commands a person runs to confirm it; <placeholders> are filled by the report when known. */
  confirm: string[];
  references: string[];
  /** Item number in the seed article's production hardening checklist, when this is one. */
  checklist?: number;
  /** What `diagnose` measures live to find it (short phrase, for the catalog table); absent = static only. */
  live?: string;
}
