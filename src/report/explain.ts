import { CAUSES } from '../causes/catalog.js';
import type { CauseId, Hop } from '../causes/types.js';
import type { PhaseId, PhaseResult } from '../protocol/types.js';

/**
 * What each phase of the seed's five-phase protocol proves, for `--explain` and the reports.
 * Each phase eliminates part of the path: a pass clears hops, a fail points at them.
 */
export interface PhaseExplanation {
  /** Hops a passing phase clears. */
  clears: Hop[];
  /** What the phase does, in one sentence. */
  does: string;
  /** What a pass means, in the seed's spirit. */
  ifPass: string;
  /** What a failure means and where to look. */
  ifFail: string;
  /** What is left unknown when the phase could not run. */
  ifSkipped: string;
}

export const PHASE_EXPLANATIONS: Record<PhaseId, PhaseExplanation> = {
  cluster: {
    clears: [5],
    does: 'From a probe pod inside the cluster: the Service by its DNS name, then every endpoint IP:port directly.',
    ifPass:
      'The app answers inside the cluster — the same thing a working port-forward tells you: hop 5 ' +
      '(Service → Pod) and cluster DNS are healthy, so the problem is in hops 1–4.',
    ifFail:
      'Stop looking at the Ingress: the app does not answer on its endpoints, or the Service does not ' +
      'lead to it. Compare the Service name against each endpoint directly to tell which.',
    ifSkipped: 'Without a probe pod nothing proves the app answers inside the cluster: hop 5 stays unproven.',
  },
  service: {
    clears: [4],
    does: 'Reads the Service glue: endpoints present and ready, selector ↔ pod labels, targetPort ↔ container ports.',
    ifPass: 'Kubernetes knows where the pods are: the Service has ready endpoints on the right port (hop 4).',
    ifFail:
      'The Service points at nothing usable (no ready endpoints, a selector that matches no pods, or a ' +
      'targetPort no container listens on). This is the fix before anything else.',
    ifSkipped: 'The Service → endpoints mapping was not read: hop 4 stays unproven.',
  },
  nodeport: {
    clears: [3],
    does: "From a hostNetwork probe pod on each node: the controller's NodePort on every node IP, and conntrack.",
    ifPass:
      'Traffic enters the nodes: kube-proxy / iptables forward the NodePort to the ingress controller, ' +
      'and the conntrack tables have room (hop 3).',
    ifFail:
      'The NodePort does not answer from the node itself: kube-proxy is down on that node, or the ' +
      'conntrack table is full and new connections are dropped.',
    ifSkipped: 'The NodePorts were not tried from the nodes: hop 3 stays unproven.',
  },
  loadbalancer: {
    clears: [2],
    does: "From here to the load balancer: with the route's Host header (and SNI), without it, and at the LB health-check path.",
    ifPass:
      'The load balancer reaches the nodes and the ingress controller routes this host and path ' +
      'correctly (hop 2 and the controller).',
    ifFail:
      'The load balancer or the controller drops the request: an LB health check on the wrong path ' +
      '(no healthy backends), a firewall between the LB and the NodePorts, or host/path rules that route ' +
      'nowhere (404 with the Host header, the Host-header trap).',
    ifSkipped: 'The load balancer was not reached from here: hop 2 stays unproven.',
  },
  internet: {
    clears: [1],
    does: 'Like a user: DNS of the host against the LB address, a small request against a large body, DF-bit pings around the overlay MTU, TLS certificate against the host.',
    ifPass:
      'The pipe is big enough: DNS points at the load balancer and large responses arrive as fast as small ones (hop 1).',
    ifFail:
      'Failing only here means the path is fine for small packets: an MTU blackhole (small OK, large ' +
      'stalls), DNS pointing elsewhere, or TLS/WAF at the edge — not an application problem.',
    ifSkipped: 'The internet-facing checks did not run: hop 1 and the large-body path stay unproven.',
  },
};

/** The explanation lines for one phase result: what it does, then what its outcome means. */
export function explainPhase(phase: PhaseResult): string[] {
  const e = PHASE_EXPLANATIONS[phase.id];
  const outcome =
    phase.status === 'pass'
      ? e.ifPass
      : phase.status === 'fail'
        ? e.ifFail
        : phase.status === 'skipped'
          ? e.ifSkipped
          : `Inconclusive: neither a pass nor a clear failure. If it had passed: ${e.ifPass}`;
  return [e.does, outcome];
}

/** The one-paragraph method, printed once above the phases with --explain. */
export const METHOD =
  'Ingress is five networks pretending to be one. Each phase tests from a different place and ' +
  'eliminates part of the path; the verdict names the first hop that breaks.';

/** The catalog's title of a cause, for readers who do not know the ids; undefined for an unknown id. */
export function causeTitle(id: string | undefined): string | undefined {
  if (id === undefined || !Object.hasOwn(CAUSES, id)) return undefined;
  return CAUSES[id as CauseId].title;
}
