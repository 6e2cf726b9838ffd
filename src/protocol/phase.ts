import type { Finding } from '../checks/types.js';
import { SETTING_LABELS, settingValueText } from '../dataplane/provenance.js';
import type { SettingEvidence } from '../dataplane/types.js';
import type { ProbeSet } from './probe-set.js';
import type { PhaseId, PhaseStatus, ProbeRecord, ProbeSpec, RouteFacts, Signal } from './types.js';

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

/** Everything a judge may look at: the facts, every probe of the diagnosis, and the static findings. */
export interface JudgeInput {
  facts: RouteFacts;
  probes: ProbeSet;
  vantages: Vantages;
  findings: Finding[];
}

export interface Judgement {
  status: PhaseStatus;
  summary: string;
  signals: Signal[];
  skippedReason?: string;
}

/**
 * A phase DECLARES its probes (plan) and how they are judged (judge); the runner executes, the verdict
 * decides. Plans and judges are pure, so phases are tested with recorded probes and no network.
 */
export interface PhaseDefinition {
  id: PhaseId;
  number: 1 | 2 | 3 | 4 | 5;
  title: string;
  proves: string;
  plan(facts: RouteFacts, vantages: Vantages): ProbeSpec[];
  /** Evidence read from the Kubernetes API (no exec), as probe records of kind "api". */
  apiEvidence?(facts: RouteFacts): ProbeRecord[];
  judge(input: JudgeInput): Judgement;
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
