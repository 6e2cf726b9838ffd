import type { HttpResult } from '../../probes/types.js';
import {
  type HttpObservation,
  hostHeader,
  httpObservation,
  type JudgeInput,
  type Judgement,
  type PhaseDefinition,
  settingOf,
  WAIT,
} from '../phase.js';
import { answered, ok2xx3xx } from '../probe-set.js';
import { httpProbe, origin } from '../specs.js';
import type { RouteFacts, Signal } from '../types.js';
import { sameAsApp } from './cluster.js';

/** Phase 4, the load balancer: with the right Host (and SNI), without it, and at the LB health-check path. */

export const ids = {
  withHost: 'p4.lb.host',
  withoutHost: 'p4.lb.nohost',
  healthCheck: 'p4.lb.hc',
  routes: 'p4.routes',
};

const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(':');

function lbPort(f: RouteFacts): number {
  return f.target.port;
}

/** What a person sees in one phrase: "HTTP 503" or "timeout". */
export function answerText(r: HttpResult | undefined): string {
  if (!r) return 'not measured';
  return answered(r) ? `HTTP ${r.status}` : r.outcome;
}

/** What phase 4 saw, for the internet phase and the verdict. */
export interface LoadBalancerObservations {
  /** The LB address with the route's Host header (and SNI). */
  withHost?: HttpObservation;
  withoutHost?: HttpObservation;
  healthCheck?: HttpObservation;
}

function observe(input: Omit<JudgeInput, 'observed'>): LoadBalancerObservations {
  const o: LoadBalancerObservations = {};
  const withHost = httpObservation(input.probes, ids.withHost);
  const withoutHost = httpObservation(input.probes, ids.withoutHost);
  const healthCheck = httpObservation(input.probes, ids.healthCheck);
  if (withHost) o.withHost = withHost;
  if (withoutHost) o.withoutHost = withoutHost;
  if (healthCheck) o.healthCheck = healthCheck;
  return o;
}

export const loadBalancerPhase: PhaseDefinition<'loadbalancer'> = {
  id: 'loadbalancer',
  number: 4,
  title: 'The load balancer',
  proves:
    'The load balancer forwards to healthy nodes and the controller routes the host: the same answer with ' +
    'the right Host header as the backend gives directly; without Host the controller cannot route (404 is normal).',
  explain: {
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
  clears: [2],
  hop(_result, observed) {
    const lb = observed.loadbalancer?.withHost;
    return {
      tested: answered(lb?.r) || (observed.nodeport?.healthChecks.length ?? 0) > 0,
      ...(lb ? { note: `LB with Host: ${lb.record.summary}` } : {}),
    };
  },

  apiEvidence(f) {
    const host = f.target.host ?? '*';
    const nearest = f.route
      ? `${f.route.ref.kind} ${f.route.ref.namespace}/${f.route.ref.name} (host ${f.route.host ?? '*'}, path ${f.route.path})`
      : 'none';
    return [
      {
        id: ids.routes,
        phase: 'loadbalancer',
        kind: 'api',
        vantage: 'api',
        target: `routes for ${host}${f.target.path}`,
        command: 'kubectl get ingress,httproute -A',
        ok: f.routeFound && !f.route?.unserved,
        summary: f.route?.unserved
          ? `${nearest} matches ${host}${f.target.path} but ${f.route.unserved}`
          : f.routeFound
            ? `${nearest} routes ${host}${f.target.path}`
            : `no Ingress/HTTPRoute rule matches ${host}${f.target.path}; nearest: ${nearest}`,
        durationMs: 0,
      },
    ];
  },

  plan(f) {
    const lb = f.controller?.lbAddress;
    if (!lb) return [];
    const at = { kind: 'local' } as const;
    const { scheme, path } = f.target;
    const port = lbPort(f);
    const host = hostHeader(f);
    const specs = [];
    if (host && !isIp(host) && !isIp(lb)) {
      // LB given as a host name: connect by name and send the Host header.
      specs.push(
        httpProbe(ids.withHost, 'loadbalancer', at, {
          url: `${origin(scheme, lb, port)}${path}`,
          host,
          insecure: true,
          maxTimeS: WAIT.lb,
        }),
      );
    } else if (host && !isIp(host)) {
      specs.push(
        httpProbe(ids.withHost, 'loadbalancer', at, {
          url: `${origin(scheme, host, port)}${path}`,
          resolve: { host, port, address: lb },
          // The certificate is phase 5's question (p5.url); here only routing by Host/SNI matters.
          insecure: scheme === 'https',
          maxTimeS: WAIT.lb,
        }),
      );
    } else {
      specs.push(
        httpProbe(ids.withHost, 'loadbalancer', at, {
          url: `${origin(scheme, lb, port)}${path}`,
          insecure: true,
          maxTimeS: WAIT.lb,
        }),
      );
    }
    specs.push(
      httpProbe(ids.withoutHost, 'loadbalancer', at, {
        url: `${origin(scheme, lb, port)}${path}`,
        insecure: scheme === 'https',
        maxTimeS: WAIT.lb,
      }),
    );
    const hc = f.controller?.healthCheck;
    if (hc) {
      specs.push(
        httpProbe(ids.healthCheck, 'loadbalancer', at, {
          url: `${origin(scheme, lb, port)}${hc.path}`,
          insecure: scheme === 'https',
          maxTimeS: WAIT.lb,
        }),
      );
    }
    return specs;
  },

  judge(input: JudgeInput): Judgement<LoadBalancerObservations> {
    const { facts: f, probes } = input;
    const observations = observe(input);
    if (!f.controller?.lbAddress) {
      return {
        status: 'skipped',
        summary: 'not run',
        signals: routingSignals(input, [ids.routes]),
        skippedReason:
          'no load balancer address: the controller Service has no status.loadBalancer.ingress (pass --lb-address ADDR); hops 1–2 unproven',
        observations,
      };
    }
    const withHost = observations.withHost?.r;
    const withoutHost = observations.withoutHost?.r;
    const signals: Signal[] = [];
    const evidence = [ids.withHost, ids.withoutHost];
    const nodeport = input.observed.nodeport;
    const nps = nodeport?.nodePorts ?? [];
    const healthChecks = nodeport?.healthChecks ?? [];
    const npAnswered = nps.filter((x) => answered(x.r));
    const lbStatus = answered(withHost) ? withHost.status : undefined;
    // Connected but no answer at the LB and at the NodePorts alike: the controller waits on its upstream.
    const sameSilence =
      withHost?.outcome === 'timeout' &&
      withHost.connected &&
      nps.some((x) => x.r.outcome === 'timeout' && x.r.connected);

    // The LB fails where the NodePort behind it answers differently: the break is between LB and NodePort (hop 2).
    const lbOwnFailure =
      (!answered(withHost) && !sameSilence) ||
      (lbStatus === 503 && npAnswered.length > 0 && npAnswered.every((x) => x.r.status !== 503)) ||
      (lbStatus === 503 && npAnswered.length === 0 && answered(withoutHost) && withoutHost.status === 503);
    const stalled = withHost?.outcome === 'stall';
    if (withHost && lbOwnFailure && !stalled) {
      const hcBad = healthChecks.filter((h) => answered(h.r) && !ok2xx3xx(h.r)).map((h) => h.id);
      const exhausted = (nodeport?.exhausted.length ?? 0) > 0;
      const hcOk = healthChecks.some((h) => ok2xx3xx(h.r));
      const desc = `the load balancer answers ${answerText(withHost)} with Host and ${answerText(withoutHost)} without`;
      if (hcBad.length > 0) {
        signals.push({
          cause: 'health-check-path-mismatch',
          hop: 2,
          direct: true,
          evidence: [...evidence, ...hcBad, ...npAnswered.map((x) => x.id)],
          summary: `${desc}, while the NodePort answers ${answerText(npAnswered[0]?.r)} from inside: the LB's health check ${f.controller.healthCheck?.path} fails, so it has no healthy backend`,
          settings: settingOf.healthCheck(f),
        });
      } else if (!exhausted && npAnswered.length > 0) {
        signals.push({
          cause: 'nodeport-blocked',
          hop: 2,
          direct: false,
          evidence: [
            ...evidence,
            ...npAnswered.map((x) => x.id),
            ...(hcOk ? healthChecks.map((h) => h.id) : []),
          ],
          summary: `${desc}, while the NodePort ${f.controller.nodePort} answers ${answerText(npAnswered[0]?.r)} on every node from inside${hcOk ? ' and the health-check path answers 2xx' : ''}: the load balancer cannot reach the NodePorts (firewall / security group)`,
        });
      } else if (!exhausted && nps.length === 0) {
        signals.push({
          hop: 2,
          direct: false,
          evidence,
          summary: `${desc}; the NodePorts could not be checked from inside, so the break is between the LB and the nodes, or beyond`,
        });
      }
    }

    const direct = input.observed.cluster?.directAnswer;
    const routing = routingSignals(input, [ids.routes, ...evidence]);
    if (routing.length > 0) {
      signals.push(...routing);
    } else if (answered(withHost) && withHost.status === 404) {
      if (answered(direct) && direct.status !== 404) {
        signals.push({
          cause: 'host-rule-mismatch',
          hop: 4,
          direct: false,
          evidence,
          summary: `route ${f.route?.ref.namespace}/${f.route?.ref.name} exists for ${f.target.host}${f.target.path} but the controller answers 404 while the backend answers HTTP ${direct.status}: the controller has not loaded the rule (class, annotations or status)`,
        });
      }
    }

    const ok =
      answered(withHost) &&
      (withHost.status < 500 || sameAsApp(input.observed.cluster, withHost)) &&
      signals.length === 0;
    const summary =
      signals.length > 0
        ? signals.map((s) => s.summary).join('; ')
        : `with Host ${answerText(withHost)}, without Host ${answerText(withoutHost)}` +
          (probes.has(ids.healthCheck)
            ? `, health-check path ${answerText(probes.http(ids.healthCheck))}`
            : '');
    return { status: ok ? 'pass' : 'fail', summary, signals, observations };
  },
};

/** The API says no rule routes this host: whatever answers is the controller's default server (direct evidence). */
function routingSignals(input: JudgeInput, evidence: string[]): Signal[] {
  const f = input.facts;
  if (f.routeFound && f.route?.unserved) {
    const withHost = input.probes.http(ids.withHost);
    return [
      {
        cause: 'ingress-class-missing',
        hop: 4,
        direct: true,
        evidence: evidence.filter((id) => id === ids.routes || input.probes.has(id)),
        summary: `${f.route.unserved}: no controller serves the route, so the controller's default server answers${withHost ? ` (${answerText(withHost)} with Host)` : ''}`,
      },
    ];
  }
  if (f.routeFound || !f.target.host) return [];
  const withHost = input.probes.http(ids.withHost);
  const direct = input.observed.cluster?.directAnswer;
  return [
    {
      cause: 'host-rule-mismatch',
      hop: 4,
      direct: true,
      evidence: evidence.filter((id) => id === ids.routes || input.probes.has(id)),
      summary:
        `no Ingress/HTTPRoute rule matches host ${f.target.host} path ${f.target.path}, so the controller's default server answers` +
        (withHost ? ` (${answerText(withHost)} with Host)` : '') +
        (f.route
          ? `; the nearest route, ${f.route.ref.kind} ${f.route.ref.namespace}/${f.route.ref.name}, is for host ${f.route.host ?? '*'}${answered(direct) ? ` and its backend answers HTTP ${direct.status} directly` : ''}`
          : ''),
    },
  ];
}
