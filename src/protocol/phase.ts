import type { Hop } from '../causes/types.js';
import type { Finding } from '../checks/types.js';
import { SETTING_LABELS, settingValueText } from '../dataplane/provenance.js';
import type { SettingEvidence } from '../dataplane/types.js';
import type { HttpResult } from '../probes/types.js';
import type { ClusterObservations } from './phases/cluster.js';
import type { InternetObservations } from './phases/internet.js';
import type { LoadBalancerObservations } from './phases/loadbalancer.js';
import type { NodePortObservations } from './phases/nodeport.js';
import type { ServiceObservations } from './phases/service.js';
import type { ProbeSet } from './probe-set.js';
import type {
  PhaseId,
  PhaseResult,
  PhaseStatus,
  ProbeRecord,
  ProbeSpec,
  RouteFacts,
  Signal,
} from './types.js';

/** Which vantages this diagnosis has (decided before planning; pods may be disabled or forbidden). */
export interface Vantages {
  /** Node of the one probe pod (pod network), when available. */
  pod?: string;
  /** Nodes with a hostNetwork probe pod. */
  nodes: string[];
  /** Why there is no pod/node vantage (e.g. "--no-probe-pods", "needs create pods in default"). */
  unavailable?: string;
  /** Nodes not covered by a node vantage (sampled out to stay within the API request budget). */
  nodesNotCovered?: string[];
}

/** What each phase learnt, typed, for the phases after it and the verdict (never found by probe id). */
export interface PhaseObservations {
  cluster: ClusterObservations;
  service: ServiceObservations;
  nodeport: NodePortObservations;
  loadbalancer: LoadBalancerObservations;
  internet: InternetObservations;
}

/** Everything a judge may look at: the facts, every probe, the static findings, and what earlier phases saw. */
export interface JudgeInput {
  facts: RouteFacts;
  probes: ProbeSet;
  vantages: Vantages;
  findings: Finding[];
  /** The observations of the phases judged before this one (phases are judged in their order). */
  observed: Partial<PhaseObservations>;
}

export interface Judgement<O = unknown> {
  status: PhaseStatus;
  summary: string;
  signals: Signal[];
  skippedReason?: string;
  /** What the phase measured, for later phases and the verdict. */
  observations: O;
}

/** What a phase's explanation says, for --explain and the reports. */
export interface PhaseExplanation {
  /** What the phase does, in one sentence. */
  does: string;
  /** What a pass means, in the seed's spirit. */
  ifPass: string;
  /** What a failure means and where to look. */
  ifFail: string;
  /** What is left unknown when the phase could not run. */
  ifSkipped: string;
}

/** Whether a hop was tested, and the note the hop table shows for it. */
export interface HopEvidence {
  tested: boolean;
  note?: string;
}

/**
 * A phase DECLARES its probes (plan) and how they are judged (judge); the runner executes, the verdict
 * decides. Plans and judges are pure, so phases are tested with recorded probes and no network. Everything
 * about a phase is here: its place in the order (number), title, what it proves, its explanations, the hops a
 * pass clears and what it says about them.
 */
export interface PhaseDefinition<K extends PhaseId = PhaseId> {
  id: K;
  number: 1 | 2 | 3 | 4 | 5;
  title: string;
  proves: string;
  explain: PhaseExplanation;
  /** The hops a passing phase clears (and whose evidence it gives). */
  clears: Hop[];
  plan(facts: RouteFacts, vantages: Vantages): ProbeSpec[];
  /** Evidence read from the Kubernetes API (no exec), as probe records of kind "api". */
  apiEvidence?(facts: RouteFacts): ProbeRecord[];
  judge(input: JudgeInput): Judgement<PhaseObservations[K]>;
  /** Whether the hop(s) it clears were tested, given its result and every phase's observations. */
  hop(result: PhaseResult, observed: Partial<PhaseObservations>): HopEvidence;
}

/** A probe record with its parsed HTTP answer: what observations hold. */
export interface HttpObservation {
  id: string;
  record: ProbeRecord;
  r: HttpResult;
}

/** Curl waits (seconds): short, so a silent drop is recognised in ~2 s rather than a proxy's 60 s. */
export const WAIT = { inside: 1.5, lb: 3 } as const;

/** How long to wait for an endpoint's first byte: long enough to see it exceed a short proxy-read-timeout. */
export function endpointWaitS(facts: RouteFacts): number {
  // Wait past a short proxy-read-timeout to prove the app exceeds it; otherwise a short wait is enough to judge.
  return facts.proxyReadTimeoutS + 0.5 <= 3
    ? Math.max(WAIT.inside, facts.proxyReadTimeoutS + 0.5)
    : WAIT.inside;
}

/** The facts' data-plane settings as report evidence ("read timeout 2 s — ConfigMap ns/name key …"). */
export const settingOf = {
  readTimeout: (f: RouteFacts): SettingEvidence => ({
    setting: 'read-timeout',
    label: SETTING_LABELS['read-timeout'],
    value: settingValueText('read-timeout', f.proxyReadTimeoutS),
    from: f.proxyReadTimeoutSource,
  }),
  bufferSize: (f: RouteFacts): SettingEvidence => ({
    setting: 'buffer-size',
    label: SETTING_LABELS['buffer-size'],
    value: settingValueText('buffer-size', f.proxyBufferBytes),
    from: f.proxyBufferSource,
  }),
  backendProtocol: (f: RouteFacts): SettingEvidence[] =>
    f.backend
      ? [
          {
            setting: 'backend-protocol',
            label: SETTING_LABELS['backend-protocol'],
            value: f.backend.protocol,
            from: f.backend.protocolSource,
          },
        ]
      : [],
  healthCheck: (f: RouteFacts): SettingEvidence[] => {
    const hc = f.controller?.healthCheck;
    return hc
      ? [
          {
            setting: 'lb-health-check',
            label: SETTING_LABELS['lb-health-check'],
            value: `${hc.path}${hc.port !== undefined ? ` on port ${hc.port}` : ''}`,
            from: hc.source,
          },
        ]
      : [];
  },
};

export function hostHeader(facts: RouteFacts): string | undefined {
  return facts.target.host ?? facts.route?.host;
}

/** The HTTP probe of this id as an observation, when it ran and parsed. */
export function httpObservation(probes: ProbeSet, id: string): HttpObservation | undefined {
  const record = probes.get(id);
  const r = probes.http(id);
  return record && r ? { id, record, r } : undefined;
}
