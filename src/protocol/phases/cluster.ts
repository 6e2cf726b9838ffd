import type { HttpResult, VantageSpec } from '../../probes/types.js';
import {
  endpointWaitS,
  type HttpObservation,
  httpObservation,
  type JudgeInput,
  type Judgement,
  type PhaseDefinition,
  settingOf,
  WAIT,
} from '../phase.js';
import { answered } from '../probe-set.js';
import { httpProbe, origin } from '../specs.js';
import type { RouteFacts, Signal } from '../types.js';

/** Phase 1, inside the cluster: a probe pod → the Service's DNS name, then each endpoint directly. */

const MAX_ENDPOINTS = 3;

export interface EndpointTarget {
  ip: string;
  port: number;
  podName?: string;
  nodeName?: string;
  ready: boolean;
}

/** The endpoints phase 1 probes (ready ones first), deterministic so the judge finds the same list. */
export function endpointTargets(f: RouteFacts): EndpointTarget[] {
  const seen = new Set<string>();
  const out: EndpointTarget[] = [];
  const sorted = [...f.endpoints].sort((a, b) => Number(b.ready) - Number(a.ready));
  for (const e of sorted) {
    if (e.port === undefined) continue;
    const key = `${e.ip}:${e.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ip: e.ip, port: e.port, podName: e.podName, nodeName: e.nodeName, ready: e.ready });
    if (out.length >= MAX_ENDPOINTS) break;
  }
  return out;
}

/** Pod IP : declared container port pairs not already covered by an endpoint (the app's own port). */
export function podPortTargets(f: RouteFacts): { ip: string; port: number; podName: string }[] {
  const covered = new Set(endpointTargets(f).map((e) => `${e.ip}:${e.port}`));
  const out: { ip: string; port: number; podName: string }[] = [];
  for (const p of f.pods) {
    if (!p.ip) continue;
    for (const port of p.containerPorts.slice(0, 2)) {
      const key = `${p.ip}:${port}`;
      if (covered.has(key)) continue;
      covered.add(key);
      out.push({ ip: p.ip, port, podName: p.name });
    }
    if (out.length >= MAX_ENDPOINTS) break;
  }
  return out;
}

export function serviceUrl(f: RouteFacts): string | undefined {
  const b = f.backend;
  if (!b || b.problem || b.servicePortNumber === undefined) return undefined;
  return `${origin('http', `${b.service}.${b.namespace}.svc.${f.clusterDomain}`, b.servicePortNumber)}${f.target.path}`;
}

/**
 * The backend speaks TLS (the proxy sends HTTPS/GRPCS, a BackendTLSPolicy applies, or ingress-nginx passes the
 * client's TLS through): its plain-HTTP probe failing is expected.
 */
export function backendIsTls(f: RouteFacts): boolean {
  return /^(https|grpcs|tls|passthrough)$/i.test(f.backend?.protocol ?? '');
}

export const ids = {
  svc: 'p1.svc',
  ep: (i: number) => `p1.ep.${i}`,
  eps: (i: number) => `p1.eps.${i}`,
  pod: (i: number) => `p1.pod.${i}`,
  /** The same from the endpoint's own node (hostNetwork): the path kubelet's readiness probe takes. */
  localEp: (i: number) => `p1.local.ep.${i}`,
  localEps: (i: number) => `p1.local.eps.${i}`,
  localPod: (i: number) => `p1.local.pod.${i}`,
};

const noConnection = (r: HttpResult | undefined) => r?.outcome === 'timeout' && !r.connected;

/**
 * The most telling of two views of one target: from the probe pod (the pod network, like the controller) and
 * from the target's own node (like kubelet, which NetworkPolicies do not block). A silent drop from the pod
 * defers to the node's view for what the app itself answers.
 */
export function bestView(
  input: Omit<JudgeInput, 'observed'>,
  podId: string,
  localId: string,
): { r: HttpResult; id: string } | undefined {
  const a = input.probes.http(podId);
  const b = input.probes.http(localId);
  if (a && !noConnection(a)) return { r: a, id: podId };
  if (b) return { r: b, id: localId };
  return a ? { r: a, id: podId } : undefined;
}

/** The endpoint's answer as the controller would get it (HTTPS probe for TLS backends). */
export function endpointResult(input: Omit<JudgeInput, 'observed'>, i: number): HttpResult | undefined {
  return backendIsTls(input.facts)
    ? bestView(input, ids.eps(i), ids.localEps(i))?.r
    : bestView(input, ids.ep(i), ids.localEp(i))?.r;
}

/** What phase 1 saw, for the later phases and the verdict. */
export interface ClusterObservations {
  /** Each probed endpoint's plain-HTTP answer from the probe pod (the pod network, as the controller sees it). */
  podAnswers: HttpObservation[];
  /** The first endpoint's direct answer as the controller would get it (HTTPS for TLS backends). */
  directAnswer?: HttpResult;
}

function observe(input: Omit<JudgeInput, 'observed'>): ClusterObservations {
  const eps = endpointTargets(input.facts);
  const podAnswers = eps
    .map((_, i) => httpObservation(input.probes, ids.ep(i)))
    .filter((o): o is HttpObservation => o !== undefined);
  const direct = eps.map((_, i) => endpointResult(input, i)).find((r) => answered(r));
  return direct ? { podAnswers, directAnswer: direct } : { podAnswers };
}

export const clusterPhase: PhaseDefinition<'cluster'> = {
  id: 'cluster',
  number: 1,
  title: 'Inside the cluster',
  proves:
    'A probe pod reaches the Service by its DNS name and each endpoint directly, and each endpoint answers on ' +
    "its own node (kubelet's path): the app answers and Service discovery works. If this passes, the problem " +
    'is outside the pod network (hops 1–3).',
  explain: {
    does: 'From a probe pod inside the cluster: the Service by its DNS name, then every endpoint IP:port directly.',
    ifPass:
      'The app answers inside the cluster — the same thing a working port-forward tells you: hop 5 ' +
      '(Service → Pod) and cluster DNS are healthy, so the problem is in hops 1–4.',
    ifFail:
      'Stop looking at the Ingress: the app does not answer on its endpoints, or the Service does not ' +
      'lead to it. Compare the Service name against each endpoint directly to tell which.',
    ifSkipped: 'Without a probe pod nothing proves the app answers inside the cluster: hop 5 stays unproven.',
  },
  clears: [5],
  hop: (result) => ({ tested: result.status === 'pass' || result.status === 'fail', note: result.summary }),

  plan(f, v) {
    const specs = [];
    const wait = endpointWaitS(f);
    const path = f.target.path;
    const pod: VantageSpec | undefined = v.pod ? { kind: 'pod', node: v.pod } : undefined;
    const nodeOf = (n: string | undefined): VantageSpec | undefined =>
      n && v.nodes.includes(n) ? { kind: 'node', node: n } : undefined;
    const svc = serviceUrl(f);
    if (svc && pod) specs.push(httpProbe(ids.svc, 'cluster', pod, { url: svc, maxTimeS: WAIT.inside }));
    endpointTargets(f).forEach((e, i) => {
      const plain = { url: `${origin('http', e.ip, e.port)}${path}`, maxTimeS: wait };
      const secure = { url: `${origin('https', e.ip, e.port)}${path}`, insecure: true, maxTimeS: wait };
      if (pod) {
        specs.push(httpProbe(ids.ep(i), 'cluster', pod, plain));
        specs.push(httpProbe(ids.eps(i), 'cluster', pod, secure));
      }
      const local = nodeOf(e.nodeName);
      if (local) {
        specs.push(httpProbe(ids.localEp(i), 'cluster', local, plain));
        specs.push(httpProbe(ids.localEps(i), 'cluster', local, secure));
      }
    });
    podPortTargets(f).forEach((p, i) => {
      const o = { url: `${origin('http', p.ip, p.port)}${path}`, maxTimeS: wait };
      if (pod) specs.push(httpProbe(ids.pod(i), 'cluster', pod, o));
      const local = nodeOf(f.pods.find((x) => x.name === p.podName)?.nodeName);
      if (local) specs.push(httpProbe(ids.localPod(i), 'cluster', local, o));
    });
    return specs;
  },

  judge(input): Judgement<ClusterObservations> {
    const { facts: f, probes, vantages: v } = input;
    const observations = observe(input);
    const eps = endpointTargets(f);
    const covered = eps.some((e) => e.nodeName && v.nodes.includes(e.nodeName));
    if (!v.pod && !covered) {
      const why = v.unavailable ?? 'no probe pod';
      return {
        status: 'skipped',
        summary: 'not run',
        signals: [],
        skippedReason: `${why}: the app's own answer and the Service's DNS name were not tested from inside (hops 4–5 unproven by probes)`,
        observations,
      };
    }
    const signals: Signal[] = [];
    const notes: string[] = [];
    const tls = backendIsTls(f);
    const wait = endpointWaitS(f);
    const denied = input.findings.some((x) => x.cause === 'network-policy-blocked');
    const policies = f.policiesSelectingBackend;
    let answeredCount = 0;
    let unobservable = 0;
    eps.forEach((e, i) => {
      const view = tls
        ? bestView(input, ids.eps(i), ids.localEps(i))
        : bestView(input, ids.ep(i), ids.localEp(i));
      const plain = bestView(input, ids.ep(i), ids.localEp(i));
      const secure = bestView(input, ids.eps(i), ids.localEps(i));
      const where = `${e.ip}:${e.port}${e.podName ? ` (pod ${e.podName})` : ''}`;
      if (!view) return;
      const { r, id } = view;
      const fromPod = probes.http(tls ? ids.eps(i) : ids.ep(i));
      const pod = f.pods.find((p) => p.name === e.podName || (p.ip !== undefined && p.ip === e.ip));

      // Reachability from the pod network (the controller's side) vs from the endpoint's own node.
      if (noConnection(fromPod) && !noConnection(r)) {
        const podId = tls ? ids.eps(i) : ids.ep(i);
        if (policies.length > 0 && denied) {
          signals.push({
            cause: 'network-policy-blocked',
            hop: 5,
            direct: true,
            evidence: [podId, id],
            summary: `${where} answers on its own node but connections from the pod network are dropped silently, and NetworkPolicy ${policies.join(', ')} selects the backend pods without admitting the ingress controller`,
          });
        } else if (policies.length > 0) {
          notes.push(
            `${where} is reachable on its node but not from the probe pod (NetworkPolicy ${policies.join(', ')} admits the controller, not the probe pod)`,
          );
        } else {
          signals.push({
            hop: 5,
            direct: true,
            evidence: [podId, id],
            summary: `${where} answers on its own node, but connections from a pod on ${v.pod} are dropped silently and no NetworkPolicy selects it: the overlay between nodes drops traffic (CNI, host firewall)`,
          });
        }
      }

      if (answered(r)) {
        answeredCount++;
        if (!tls && r.status === 400 && answered(secure?.r)) {
          signals.push(protocolMismatch(f, where, [plain?.id ?? id, secure?.id ?? id]));
        }
        if (r.timings.firstByteMs >= f.proxyReadTimeoutS * 1000) {
          signals.push({
            cause: 'proxy-timeout',
            hop: 5,
            direct: true,
            evidence: [id],
            summary: `${where} takes ${r.timings.firstByteMs} ms to its first byte, longer than the controller's proxy-read-timeout of ${f.proxyReadTimeoutS} s (${f.proxyReadTimeoutSource})`,
            settings: [settingOf.readTimeout(f)],
          });
        }
        if (r.headerBytes > f.proxyBufferBytes) {
          signals.push({
            cause: 'upstream-header-too-big',
            hop: 5,
            direct: true,
            evidence: [id],
            summary: `${where} answers with ${r.headerBytes} bytes of response headers, more than the controller's proxy-buffer-size of ${f.proxyBufferBytes} bytes (${f.proxyBufferSource})`,
            settings: [settingOf.bufferSize(f)],
          });
        }
        return;
      }
      switch (r.outcome) {
        case 'refused': {
          const declared = pod?.containerPorts ?? [];
          if (declared.length > 0 && !declared.includes(e.port)) {
            const podIdx = podPortTargets(f).findIndex((p) => p.podName === pod?.name);
            const podView = podIdx >= 0 ? bestView(input, ids.pod(podIdx), ids.localPod(podIdx)) : undefined;
            signals.push({
              cause: 'target-port-mismatch',
              hop: 4,
              direct: true,
              evidence: [id, ...(podView ? [podView.id] : [])],
              summary:
                `the Service sends traffic to port ${e.port}, where ${where} refuses connections; the pod's containers declare port ${declared.join(', ')}` +
                (answered(podView?.r) ? `, which answers (HTTP ${podView?.r.status})` : ''),
            });
          } else {
            signals.push({
              cause: 'app-not-listening',
              hop: 5,
              direct: true,
              evidence: [id],
              summary: `${where} refuses connections on its declared container port ${e.port}: the app is not listening on the pod IP (bound to 127.0.0.1, or crashed)`,
            });
          }
          return;
        }
        case 'empty-reply':
        case 'reset':
        case 'tls-error':
          if (!tls && answered(secure?.r)) {
            signals.push(protocolMismatch(f, where, [id, secure?.id ?? id]));
          } else if (tls && answered(plain?.r)) {
            signals.push({
              cause: 'backend-protocol-mismatch',
              hop: 5,
              direct: true,
              evidence: [plain?.id ?? id, id],
              summary: `the route sends HTTPS (${f.backend?.protocolSource}) but ${where} speaks plain HTTP`,
              settings: settingOf.backendProtocol(f),
            });
          } else {
            signals.push({
              hop: 5,
              direct: true,
              evidence: [id],
              summary: `${where} accepts connections but closes them without an HTTP answer (${r.outcome})`,
            });
          }
          return;
        case 'timeout':
          if (r.connected) {
            if (wait >= f.proxyReadTimeoutS) {
              signals.push({
                cause: 'proxy-timeout',
                hop: 5,
                direct: true,
                evidence: [id],
                summary: `${where} accepted the connection but sent no first byte within ${wait} s, longer than the controller's proxy-read-timeout of ${f.proxyReadTimeoutS} s (${f.proxyReadTimeoutSource})`,
                settings: [settingOf.readTimeout(f)],
              });
            } else {
              notes.push(`${where} sent no first byte within ${wait} s`);
              unobservable++;
            }
            return;
          }
          // Silent from every view we have.
          if (policies.length > 0) {
            if (denied) {
              signals.push({
                cause: 'network-policy-blocked',
                hop: 5,
                direct: true,
                evidence: [id],
                summary: `connections to ${where} are dropped silently, and NetworkPolicy ${policies.join(', ')} selects the backend pods without admitting the ingress controller`,
              });
            } else {
              notes.push(
                `${where} is not reachable from the probe pod; NetworkPolicy ${policies.join(', ')} selects it (the probe pod is probably not admitted)`,
              );
              unobservable++;
            }
            return;
          }
          signals.push({
            hop: 5,
            direct: true,
            evidence: [id],
            summary: `connections to ${where} are dropped silently (no NetworkPolicy selects it: check the CNI, host firewalls, or the pod's own firewall)`,
          });
          return;
        case 'stall':
          signals.push({
            cause: 'mtu-blackhole',
            hop: 5,
            direct: false,
            evidence: [id],
            summary: `the answer of ${where} stalls after ${r.bytes} bytes: large packets are lost between the probe and the endpoint`,
          });
          return;
        default:
          notes.push(`${where}: ${r.outcome}${r.errormsg ? ` (${r.errormsg})` : ''}`);
          unobservable++;
      }
    });

    // The Service name: only meaningful when some endpoint answers directly from the pod network.
    const svc = probes.http(ids.svc);
    const podAnswered = eps.some((_, i) => answered(probes.http(tls ? ids.eps(i) : ids.ep(i))));
    if (svc && !answered(svc) && podAnswered) {
      if (svc.outcome === 'dns-error') {
        signals.push({
          hop: 4,
          direct: true,
          evidence: [ids.svc],
          summary: `the Service name does not resolve from a pod (${svc.errormsg ?? 'DNS'}) while its endpoints answer: check cluster DNS`,
        });
      } else {
        signals.push({
          cause: 'kube-proxy-down',
          hop: 3,
          direct: false,
          evidence: [ids.svc, ...eps.map((_, i) => (tls ? ids.eps(i) : ids.ep(i)))],
          summary: `the Service's ClusterIP does not answer (${svc.outcome}) while its endpoints answer directly: kube-proxy's Service rules are missing on this node`,
        });
      }
    }

    const total = eps.length;
    let status: Judgement<ClusterObservations>['status'];
    let summary: string;
    if (signals.length > 0) {
      status = 'fail';
      summary = signals[0]?.summary ?? 'failed';
    } else if (total === 0 && !svc) {
      status = 'inconclusive';
      summary = 'no endpoint or Service port to probe';
    } else if (unobservable > 0 && answeredCount === 0) {
      status = 'inconclusive';
      summary = notes.join('; ');
    } else {
      status = 'pass';
      summary =
        `${answeredCount}/${total} endpoint${total === 1 ? '' : 's'} answer directly` +
        (svc
          ? `; the Service name ${answered(svc) ? `answers (HTTP ${svc.status})` : `does not answer from the probe pod (${svc.outcome})`}`
          : '') +
        (notes.length ? `; ${notes.join('; ')}` : '');
    }
    return { status, summary, signals, observations };
  },
};

function protocolMismatch(f: RouteFacts, where: string, evidence: string[]): Signal {
  return {
    cause: 'backend-protocol-mismatch',
    hop: 5,
    direct: true,
    evidence,
    summary: `${where} speaks HTTPS (the HTTPS probe answers, plain HTTP fails) but the route sends ${f.backend?.protocol ?? 'HTTP'} (${f.backend?.protocolSource ?? 'default'})`,
    settings: settingOf.backendProtocol(f),
  };
}

/** The answer through the path equals what the app itself answers directly: the application's own answer. */
export function sameAsApp(cluster: ClusterObservations | undefined, r: HttpResult | undefined): boolean {
  const d = cluster?.directAnswer;
  return answered(r) && answered(d) && r.status === d.status;
}
