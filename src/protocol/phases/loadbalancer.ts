import type { HttpResult } from '../../probes/types.js';
import {
  hostHeader,
  type JudgeInput,
  type Judgement,
  type PhaseDefinition,
  settingOf,
  WAIT,
} from '../phase.js';
import { answered, ok2xx3xx } from '../probe-set.js';
import { httpProbe, origin } from '../specs.js';
import type { RouteFacts, Signal } from '../types.js';
import { directAnswer, sameAsApp } from './cluster.js';
import { conntrackExhausted } from './nodeport.js';

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

/** NodePort-with-Host answers seen from inside (phase 3), to compare with the LB's. */
function nodePortAnswers(input: JudgeInput): { id: string; r: HttpResult }[] {
  return input.probes
    .withPrefix('p3.np.')
    .map((rec) => ({ id: rec.id, r: input.probes.http(rec.id) }))
    .filter((x): x is { id: string; r: HttpResult } => !!x.r);
}

export const loadBalancerPhase: PhaseDefinition = {
  id: 'loadbalancer',
  number: 4,
  title: 'The load balancer',
  proves:
    'The load balancer forwards to healthy nodes and the controller routes the host: the same answer with ' +
    'the right Host header as the backend gives directly; without Host the controller cannot route (404 is normal).',

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

  judge(input: JudgeInput): Judgement {
    const { facts: f, probes } = input;
    if (!f.controller?.lbAddress) {
      return {
        status: 'skipped',
        summary: 'not run',
        signals: routingSignals(input, [ids.routes]),
        skippedReason:
          'no load balancer address: the controller Service has no status.loadBalancer.ingress (pass --lb-address ADDR); hops 1–2 unproven',
      };
    }
    const withHost = probes.http(ids.withHost);
    const withoutHost = probes.http(ids.withoutHost);
    const signals: Signal[] = [];
    const evidence = [ids.withHost, ids.withoutHost];
    const nps = nodePortAnswers(input);
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
      const hcBad = probes
        .withPrefix('p3.hc.')
        .filter((rec) => {
          const r = probes.http(rec.id);
          return answered(r) && !ok2xx3xx(r);
        })
        .map((r) => r.id);
      const exhausted = probes.withPrefix('p3.ct.').some((rec) => {
        if (!rec.id.endsWith('.count')) return false;
        const c = probes.conntrack(rec.id);
        const stats = probes.conntrack(rec.id.replace(/\.count$/, '.stats'))?.stats;
        return conntrackExhausted(c?.count, c?.max, (stats?.drop ?? 0) + (stats?.insertFailed ?? 0));
      });
      const hcOk = probes.withPrefix('p3.hc.').some((rec) => ok2xx3xx(probes.http(rec.id)));
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
            ...(hcOk ? probes.withPrefix('p3.hc.').map((r) => r.id) : []),
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

    const direct = directAnswer(input);
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
      answered(withHost) && (withHost.status < 500 || sameAsApp(input, withHost)) && signals.length === 0;
    const summary =
      signals.length > 0
        ? signals.map((s) => s.summary).join('; ')
        : `with Host ${answerText(withHost)}, without Host ${answerText(withoutHost)}` +
          (probes.has(ids.healthCheck)
            ? `, health-check path ${answerText(probes.http(ids.healthCheck))}`
            : '');
    return { status: ok ? 'pass' : 'fail', summary, signals };
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
  const direct = directAnswer(input);
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
