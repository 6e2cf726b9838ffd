import type { CauseId, Hop } from '../causes/types.js';
import type { Finding } from '../checks/types.js';
import type { ObjectRef } from '../cluster/types.js';

/** The diagnose report model (JSON schema version 1, documented in docs/json-schema.md). */

export type PhaseId = 'cluster' | 'service' | 'nodeport' | 'loadbalancer' | 'internet';
export type ProbeKind = 'http' | 'ping' | 'dns' | 'tcp' | 'tls' | 'conntrack' | 'api';

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
}
