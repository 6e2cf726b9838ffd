import type { CauseId, Hop } from '../causes/types.js';
import type { Finding } from '../checks/types.js';
import type { ObjectRef } from '../cluster/types.js';
import type { RouteDataPlaneJson } from '../dataplane/json.js';
import type { SettingEvidence } from '../dataplane/types.js';
import type { ParserSpec, VantageSpec } from '../probes/types.js';

/** The diagnose report model (JSON schema version 1, documented in docs/json-schema-diagnose.md). */

export type PhaseId = 'cluster' | 'service' | 'nodeport' | 'loadbalancer' | 'internet';
export type ProbeKind = 'http' | 'ping' | 'dns' | 'tcp' | 'tls' | 'conntrack' | 'api';

/** One measurement a phase plans: what, where, the exact argv, and its own hard timeout. */
export interface ProbeSpec {
  id: string;
  phase: PhaseId;
  kind: ProbeKind;
  vantage: VantageSpec;
  /** What it is aimed at, for people: "http://198.18.16.5:8080/healthz". */
  target: string;
  argv: string[];
  /** Hard limit for the whole command (the tool's own timeout, e.g. curl --max-time, is shorter). */
  timeoutMs: number;
  /** How to read its output. */
  parser: ParserSpec;
}

/** One measurement: where, the exact command a person can re-run, what it returned. */
export interface ProbeRecord {
  id: string;
  phase: PhaseId;
  kind: ProbeKind;
  /** Vantage id: "local", "pod@node-a", "node@node-a", or "api" for reads of the Kubernetes API. */
  vantage: string;
  /** What it was aimed at, e.g. "http://web.shop.svc.cluster.local:80/healthz". */
  target: string;
  /** The exact command (shell-quoted) that was run. */
  command: string;
  ok: boolean;
  /** One line, e.g. "HTTP 200, 231 KB in 41 ms" or "timed out after 2000 ms (0 bytes)". */
  summary: string;
  durationMs: number;
  /** Kind-specific parsed output (curl's %{json} fields, ping statistics, conntrack counters…). */
  data?: Record<string, unknown>;
}

export type PhaseStatus = 'pass' | 'fail' | 'skipped' | 'inconclusive';

export interface PhaseResult {
  id: PhaseId;
  /** 1..5 in the seed's order: cluster, service glue, NodePort, load balancer, internet. */
  number: 1 | 2 | 3 | 4 | 5;
  title: string;
  /** What a passing phase proves (for --explain and reports). */
  proves: string;
  status: PhaseStatus;
  summary: string;
  probeIds: string[];
  /** Why it did not run, and what that leaves unproven. */
  skippedReason?: string;
  durationMs: number;
}

export type HopStatus = 'pass' | 'fail' | 'not-tested';

export interface HopReport {
  hop: Hop;
  name: string;
  status: HopStatus;
  durationMs?: number;
  /** Short note, e.g. "2/2 NodePorts answer" or "large body stalls after 14 KB". */
  note?: string;
}

export interface Verdict {
  status: 'healthy' | 'broken' | 'inconclusive';
  hop?: Hop;
  cause?: CauseId;
  confidence?: 'high' | 'medium' | 'low';
  /** One sentence. */
  summary: string;
  fix?: string;
  /** Manual commands to confirm, with the route's names filled in. */
  confirm: string[];
  /** Probe ids that support the verdict. */
  evidence: string[];
  /** Other problems seen further along (combined faults), first failing hop first. */
  also: { cause: CauseId; hop: Hop; summary: string }[];
  /** What could not be proven (phases skipped, vantages unavailable). */
  unproven: string[];
  /** When the path is healthy but the application itself answered an error (e.g. 404, 500). */
  applicationAnswer?: { status: number; summary: string };
  /** The data-plane settings that explain the cause, with where each is set. */
  settings?: SettingEvidence[];
}

export interface Diagnosis {
  schemaVersion: 1;
  tool: { name: 'ingress-doctor'; version: string };
  target: { input: string; scheme: 'http' | 'https'; host?: string; path: string; port?: number };
  route?: {
    ref: ObjectRef;
    host?: string;
    path: string;
    service?: ObjectRef;
    servicePort?: number | string;
    targetPort?: number | string;
    endpoints: { ip: string; port?: number; ready: boolean; nodeName?: string; podName?: string }[];
    controller?: ObjectRef;
    loadBalancerAddress?: string;
    nodePort?: number;
  };
  hops: HopReport[];
  phases: PhaseResult[];
  probes: ProbeRecord[];
  /** Static findings that concern this route. */
  findings: Finding[];
  verdict: Verdict;
  startedAt: string;
  durationMs: number;
  /** Kubernetes API requests made for this diagnosis. */
  apiRequests: number;
  /** Replayable facts, the phases' signals, warnings about what could not run. */
  facts?: RouteFacts;
  signals?: Signal[];
  warnings?: string[];
  /** Where the time went (ms): reading the API, creating probe pods, running probes. */
  timings?: Record<string, number>;
}

// ---- Optional parts of the model, so older producers and consumers of schema version 1 stay valid. ----

/**
 * What diagnose learnt about the route from the Kubernetes API, flattened to plain data. The phases and the
 * verdict are pure functions of these facts and the probes, so a recorded Diagnosis (JSON) can be replayed.
 */
export interface RouteFacts {
  target: { scheme: 'http' | 'https'; host?: string; path: string; port: number };
  /** A route matches the target's host and path. False = the controller has no rule for it (host trap). */
  routeFound: boolean;
  /** The matching route, or (routeFound=false) the nearest route by path, whose backend is still probed. */
  route?: {
    ref: ObjectRef;
    id: string;
    host?: string;
    path: string;
    className?: string;
    /** Why no controller serves the route (missing class, no accepting Gateway listener); absent = served. */
    unserved?: string;
  };
  backend?: {
    namespace: string;
    service: string;
    servicePort?: number | string;
    /** The Service port number the route resolves to. */
    servicePortNumber?: number;
    targetPort?: number | string;
    problem?: 'service-not-found' | 'service-port-not-found' | 'no-selector' | 'external-name';
    selector?: Record<string, string>;
    /** What the controller speaks to the backend: HTTP unless an annotation/BackendTLSPolicy says otherwise. */
    protocol: string;
    protocolSource: string;
  };
  endpoints: { ip: string; port?: number; ready: boolean; nodeName?: string; podName?: string }[];
  pods: {
    name: string;
    ip?: string;
    nodeName?: string;
    ready: boolean;
    /** Container ports declared by the pod's containers. */
    containerPorts: number[];
    /** The container port the Service targetPort resolves to on this pod (undefined: not exposed). */
    targetPort?: number;
    unreadyReason?: string;
  }[];
  nodes: { name: string; ip?: string }[];
  controller?: {
    ref: ObjectRef;
    family?: string;
    lbAddress?: string;
    /** Service port the LB forwards (80 for http, 443 for https). */
    port?: number;
    nodePort?: number;
    /** The LB health check as configured on the controller Service (annotation or externalTrafficPolicy Local). */
    healthCheck?: { path: string; port?: number; source: string };
    podIPs: { ip: string; nodeName?: string }[];
  };
  proxyReadTimeoutS: number;
  proxyReadTimeoutSource: string;
  proxyBufferBytes: number;
  proxyBufferSource: string;
  /** Pod MTU the CNI is configured with, and where that was read. */
  podMtu?: number;
  podMtuSource?: string;
  /** NetworkPolicies (names) whose podSelector selects the backend pods for ingress. */
  policiesSelectingBackend: string[];
  clusterDomain: string;
  /** The data-plane model of the route (the settings above come from it), each setting with its provenance. */
  dataplane?: RouteDataPlaneJson;
}

/** A conclusion a phase drew from its probes, pointing at a cause and the hop it lives at. */
export interface Signal {
  cause?: CauseId;
  hop: Hop;
  /** true: the probes show it directly; false: inferred by elimination or from a static finding. */
  direct: boolean;
  evidence: string[];
  summary: string;
  /** The data-plane settings the conclusion rests on (a timeout, a buffer size, a health-check path). */
  settings?: SettingEvidence[];
}
