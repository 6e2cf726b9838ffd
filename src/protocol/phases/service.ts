import type { JudgeInput, Judgement, PhaseDefinition } from '../phase.js';
import type { ProbeRecord, RouteFacts, Signal } from '../types.js';

/** Phase 2, the Service glue: endpoints present and ready, selector ↔ pod labels, targetPort ↔ container ports. */

export const ids = {
  service: 'p2.service',
  endpoints: 'p2.endpoints',
  selector: 'p2.selector',
  targetPort: 'p2.targetport',
};

function selectorText(sel: Record<string, string> | undefined): string {
  return sel
    ? Object.entries(sel)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')
    : '';
}

/** Pods whose containers do not expose the Service's targetPort (number, or a named port that no container names). */
export function targetPortMismatches(f: RouteFacts): RouteFacts['pods'] {
  const tp = f.backend?.targetPort;
  if (tp === undefined) return [];
  return f.pods.filter((p) => {
    if (typeof tp === 'string' && !/^\d+$/.test(tp)) return p.targetPort === undefined;
    return p.containerPorts.length > 0 && !p.containerPorts.includes(Number(tp));
  });
}

function api(id: string, target: string, command: string, ok: boolean, summary: string): ProbeRecord {
  return { id, phase: 'service', kind: 'api', vantage: 'api', target, command, ok, summary, durationMs: 0 };
}

/** Phase 2 reads the API only; later phases take nothing from it but its result. */
export type ServiceObservations = Record<string, never>;

export const servicePhase: PhaseDefinition<'service'> = {
  id: 'service',
  number: 2,
  title: 'The Service glue',
  proves:
    'Kubernetes knows where the pods are: the Service exists, its selector matches pods, its endpoints are ' +
    'ready and its targetPort is a port the containers expose.',
  explain: {
    does: 'Reads the Service glue: endpoints present and ready, selector ↔ pod labels, targetPort ↔ container ports.',
    ifPass: 'Kubernetes knows where the pods are: the Service has ready endpoints on the right port (hop 4).',
    ifFail:
      'The Service points at nothing usable (no ready endpoints, a selector that matches no pods, or a ' +
      'targetPort no container listens on). This is the fix before anything else.',
    ifSkipped: 'The Service → endpoints mapping was not read: hop 4 stays unproven.',
  },
  clears: [4],
  hop: (result) => ({ tested: result.status !== 'skipped', note: result.summary }),

  plan: () => [],

  apiEvidence(f) {
    const b = f.backend;
    if (!b) return [];
    const ns = b.namespace;
    const out: ProbeRecord[] = [];
    if (b.problem === 'service-not-found' || b.problem === 'service-port-not-found') {
      out.push(
        api(
          ids.service,
          `Service ${ns}/${b.service}`,
          `kubectl get service -n ${ns} ${b.service} -o yaml`,
          false,
          b.problem === 'service-not-found'
            ? `Service ${ns}/${b.service} does not exist`
            : `Service ${ns}/${b.service} has no port ${b.servicePort}`,
        ),
      );
      return out;
    }
    const ready = f.endpoints.filter((e) => e.ready);
    const readyPods = f.pods.filter((p) => p.ready);
    let epSummary: string;
    if (f.endpoints.length === 0) {
      epSummary =
        f.pods.length === 0
          ? `no endpoints: the selector ${selectorText(b.selector) || '(none)'} matches no pods`
          : `no endpoints although ${f.pods.length} pod(s) match the selector`;
    } else {
      epSummary = `${ready.length} of ${f.endpoints.length} endpoint(s) ready (${f.endpoints
        .map((e) => `${e.ip}:${e.port ?? '?'}${e.ready ? '' : ' not ready'}`)
        .join(', ')})`;
    }
    const unready = f.pods.filter((p) => !p.ready);
    if (ready.length === 0 && unready.length > 0) {
      epSummary += `; ${unready
        .slice(0, 3)
        .map((p) => `pod ${p.name}: ${p.unreadyReason ?? 'not ready'}`)
        .join('; ')}`;
    }
    out.push(
      api(
        ids.endpoints,
        `EndpointSlices of ${ns}/${b.service}`,
        `kubectl get endpointslices -n ${ns} -l kubernetes.io/service-name=${b.service} -o wide`,
        ready.length > 0,
        epSummary,
      ),
    );
    if (b.selector) {
      out.push(
        api(
          ids.selector,
          `pods matching ${selectorText(b.selector)}`,
          `kubectl get pods -n ${ns} -l ${selectorText(b.selector)} -o wide`,
          f.pods.length > 0,
          f.pods.length === 0
            ? `no pod in ${ns} has the labels ${selectorText(b.selector)}`
            : `${f.pods.length} pod(s) match, ${readyPods.length} ready`,
        ),
      );
    }
    if (b.targetPort !== undefined && f.pods.length > 0) {
      const bad = targetPortMismatches(f);
      const ports = [...new Set(f.pods.flatMap((p) => p.containerPorts))];
      out.push(
        api(
          ids.targetPort,
          `targetPort ${b.targetPort}`,
          `kubectl get service -n ${ns} ${b.service} -o jsonpath='{.spec.ports}'; kubectl get pods -n ${ns} -l ${selectorText(b.selector)} -o jsonpath='{.items[*].spec.containers[*].ports}'`,
          bad.length === 0,
          bad.length === 0
            ? `targetPort ${b.targetPort} is exposed by the pods' containers`
            : `targetPort ${b.targetPort} is not a port the containers expose (they declare ${ports.join(', ') || 'no ports'})`,
        ),
      );
    }
    return out;
  },

  judge(input: JudgeInput): Judgement<ServiceObservations> {
    const observations: ServiceObservations = {};
    const f = input.facts;
    const b = f.backend;
    const signals: Signal[] = [];
    if (!b) {
      return { status: 'inconclusive', summary: 'no backend Service to check', signals, observations };
    }
    if (b.problem === 'service-not-found' || b.problem === 'service-port-not-found') {
      const sum =
        b.problem === 'service-not-found'
          ? `the route's backend Service ${b.namespace}/${b.service} does not exist`
          : `the route's backend Service ${b.namespace}/${b.service} has no port ${b.servicePort}`;
      signals.push({ cause: b.problem, hop: 4, direct: true, evidence: [ids.service], summary: sum });
      return { status: 'fail', summary: sum, signals, observations };
    }
    const ready = f.endpoints.filter((e) => e.ready);
    if (ready.length === 0) {
      const unready = f.pods.filter((p) => !p.ready);
      const why =
        f.pods.length === 0
          ? `its selector ${selectorText(b.selector) || '(none)'} matches no pods`
          : unready.length > 0
            ? `its pods are not ready (${unready
                .slice(0, 2)
                .map((p) => `${p.name}: ${p.unreadyReason ?? 'not ready'}`)
                .join('; ')})`
            : 'no endpoint is ready';
      signals.push({
        cause: 'no-endpoints',
        hop: 4,
        direct: true,
        evidence: [ids.endpoints, ...(b.selector ? [ids.selector] : [])],
        summary: `Service ${b.namespace}/${b.service} has no ready endpoints: ${why}`,
      });
    }
    const bad = targetPortMismatches(f);
    if (bad.length > 0 && f.pods.length > 0) {
      signals.push({
        cause: 'target-port-mismatch',
        hop: 4,
        direct: false,
        evidence: [ids.targetPort],
        summary: `Service ${b.namespace}/${b.service} targetPort ${b.targetPort} is not a port the pods' containers expose (${[
          ...new Set(bad.flatMap((p) => p.containerPorts)),
        ].join(', ')})`,
      });
    }
    if (signals.length > 0)
      return { status: 'fail', summary: signals.map((s) => s.summary).join('; '), signals, observations };
    return {
      status: 'pass',
      summary: `${ready.length}/${f.endpoints.length} endpoints ready, selector matches ${f.pods.length} pod(s), targetPort ${b.targetPort ?? '?'} exposed`,
      signals,
      observations,
    };
  },
};
