import type { HttpResult, VantageSpec } from '../../probes/types.js';
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
import { conntrackProbes, httpProbe, origin } from '../specs.js';
import type { RouteFacts, Signal } from '../types.js';

/** Phase 3, the NodePort: from a hostNetwork probe pod per node, the controller's NodePort on every node IP. */

const MAX_NODE_IPS = 4;

export const ids = {
  nodePort: (from: string, to: string) => `p3.np.${from}.${to}`,
  healthCheck: (node: string) => `p3.hc.${node}`,
  conntrack: (node: string) => `p3.ct.${node}`,
};

/** The NodePort accepted the connection (an HTTP answer, or connected while the controller waits upstream). */
export function reachable(r: HttpResult | undefined): boolean {
  return answered(r) || (r?.outcome === 'timeout' && r.connected) || r?.outcome === 'stall';
}

export function nodeTargets(f: RouteFacts): { name: string; ip: string }[] {
  return f.nodes.filter((n): n is { name: string; ip: string } => !!n.ip).slice(0, MAX_NODE_IPS);
}

/** The LB's health check as a URL on a node: annotation path at its port (or the NodePort). */
export function healthCheckUrl(f: RouteFacts, nodeIp: string): string | undefined {
  const c = f.controller;
  const hc = c?.healthCheck;
  const port = hc?.port ?? c?.nodePort;
  if (!hc || port === undefined) return undefined;
  return `${origin('http', nodeIp, port)}${hc.path}`;
}

/** A node's conntrack table is (nearly) full: at ≥ 90 %, or ≥ 75 % while drops/insert failures are counted. */
export function conntrackExhausted(count?: number, max?: number, drops = 0): boolean {
  if (count === undefined || max === undefined || max <= 0) return false;
  const fill = count / max;
  return fill >= 0.9 || (fill >= 0.75 && drops > 0);
}

/** What phase 3 saw, for the load balancer phase and the verdict. */
export interface NodePortObservations {
  /** Each NodePort probe: from which node's probe pod, to which node's IP, and the answer. */
  nodePorts: (HttpObservation & { from: string; to: string })[];
  /** The LB's health check at each node's own port. */
  healthChecks: (HttpObservation & { node: string })[];
  /** Nodes whose conntrack table is (nearly) full, with the probes that show it. */
  exhausted: { node: string; evidence: string[] }[];
}

function observe(input: Omit<JudgeInput, 'observed'>): NodePortObservations {
  const { facts: f, probes, vantages: v } = input;
  const nodePorts: NodePortObservations['nodePorts'] = [];
  const healthChecks: NodePortObservations['healthChecks'] = [];
  const exhausted: NodePortObservations['exhausted'] = [];
  for (const from of v.nodes) {
    for (const t of nodeTargets(f)) {
      const o = httpObservation(probes, ids.nodePort(from, t.name));
      if (o) nodePorts.push({ ...o, from, to: t.name });
    }
    const hc = httpObservation(probes, ids.healthCheck(from));
    if (hc) healthChecks.push({ ...hc, node: from });
    const countId = `${ids.conntrack(from)}.count`;
    const statsId = `${ids.conntrack(from)}.stats`;
    const count = probes.conntrack(countId);
    const stats = probes.conntrack(statsId)?.stats;
    const drops = (stats?.drop ?? 0) + (stats?.insertFailed ?? 0) + (stats?.earlyDrop ?? 0);
    if (conntrackExhausted(count?.count, count?.max, drops))
      exhausted.push({ node: from, evidence: [countId, statsId] });
  }
  return { nodePorts, healthChecks, exhausted };
}

export const nodePortPhase: PhaseDefinition<'nodeport'> = {
  id: 'nodeport',
  number: 3,
  title: 'The NodePort',
  proves:
    "Traffic can enter the nodes: the controller's NodePort answers on every node IP (kube-proxy/iptables " +
    'work) and no node drops new connections because its conntrack table is full.',
  explain: {
    does: "From a hostNetwork probe pod on each node: the controller's NodePort on every node IP, and conntrack.",
    ifPass:
      'Traffic enters the nodes: kube-proxy / iptables forward the NodePort to the ingress controller, ' +
      'and the conntrack tables have room (hop 3).',
    ifFail:
      'The NodePort does not answer from the node itself: kube-proxy is down on that node, or the ' +
      'conntrack table is full and new connections are dropped.',
    ifSkipped: 'The NodePorts were not tried from the nodes: hop 3 stays unproven.',
  },
  clears: [3],
  hop: (result) => ({ tested: result.status === 'pass' || result.status === 'fail', note: result.summary }),

  plan(f, v) {
    const specs = [];
    const host = hostHeader(f);
    const np = f.controller?.nodePort;
    const targets = nodeTargets(f);
    for (const node of v.nodes) {
      const at: VantageSpec = { kind: 'node', node };
      if (np !== undefined) {
        for (const t of targets) {
          specs.push(
            httpProbe(ids.nodePort(node, t.name), 'nodeport', at, {
              url: `${origin('http', t.ip, np)}${f.target.path}`,
              host,
              maxTimeS: WAIT.inside,
            }),
          );
        }
      }
      const own = targets.find((t) => t.name === node);
      const hcUrl = own ? healthCheckUrl(f, own.ip) : undefined;
      if (hcUrl)
        specs.push(httpProbe(ids.healthCheck(node), 'nodeport', at, { url: hcUrl, maxTimeS: WAIT.inside }));
      specs.push(...conntrackProbes(ids.conntrack(node), 'nodeport', at));
    }
    return specs;
  },

  judge(input: JudgeInput): Judgement<NodePortObservations> {
    const { facts: f, probes, vantages: v } = input;
    const observations = observe(input);
    if (v.nodes.length === 0) {
      return {
        status: 'skipped',
        summary: 'not run',
        signals: [],
        skippedReason: `${v.unavailable ?? 'no node probe pod'}: the NodePorts and the nodes' conntrack tables were not checked (hops 2–3 unproven)`,
        observations,
      };
    }
    const signals: Signal[] = [];
    const notes: string[] = [];
    const exhausted = new Set(observations.exhausted.map((e) => e.node));
    for (const node of v.nodes) {
      const count = probes.conntrack(`${ids.conntrack(node)}.count`);
      const stats = probes.conntrack(`${ids.conntrack(node)}.stats`);
      const drops =
        (stats?.stats?.drop ?? 0) + (stats?.stats?.insertFailed ?? 0) + (stats?.stats?.earlyDrop ?? 0);
      if (exhausted.has(node)) {
        signals.push({
          cause: 'conntrack-exhaustion',
          hop: 3,
          direct: true,
          evidence: [`${ids.conntrack(node)}.count`, `${ids.conntrack(node)}.stats`],
          summary: `node ${node}'s conntrack table is full: ${count?.count}/${count?.max} entries${drops ? `, ${drops} drops/insert failures` : ''}; new connections through it are dropped`,
        });
      }
    }
    let npOk = 0;
    let npTotal = 0;
    const failedTargets = new Map<string, string[]>();
    for (const from of v.nodes) {
      for (const t of nodeTargets(f)) {
        const id = ids.nodePort(from, t.name);
        const r = probes.http(id);
        if (!r) continue;
        npTotal++;
        // Connected then silent: the NodePort works and the controller is waiting on its upstream.
        if (reachable(r)) npOk++;
        // A full conntrack table on any node the path crosses explains failures: no second guess.
        else if (exhausted.size === 0) {
          failedTargets.set(t.name, [...(failedTargets.get(t.name) ?? []), id]);
        }
      }
    }
    for (const [node, evidence] of failedTargets) {
      const r = probes.http(evidence[0] ?? '');
      signals.push({
        cause: 'kube-proxy-down',
        hop: 3,
        // Refused: the node answers but has no NodePort rule (kube-proxy's job); a silent drop could be a firewall.
        direct: evidence.every((id) => probes.http(id)?.outcome === 'refused'),
        evidence,
        summary:
          r?.outcome === 'refused'
            ? `node ${node} refuses connections to the controller's NodePort ${f.controller?.nodePort}: it has no NodePort rule (kube-proxy is down or not syncing there)`
            : `the controller's NodePort ${f.controller?.nodePort} on node ${node} does not answer from inside the cluster (${r?.outcome ?? 'no answer'}): kube-proxy's rules are missing or the node drops it`,
      });
    }
    for (const node of v.nodes) {
      const id = ids.healthCheck(node);
      const r = probes.http(id);
      if (!r) continue;
      if (answered(r) && !ok2xx3xx(r)) {
        signals.push({
          cause: 'health-check-path-mismatch',
          hop: 2,
          direct: true,
          evidence: [id],
          summary: `the load balancer's health check ${f.controller?.healthCheck?.path} (${f.controller?.healthCheck?.source}) gets HTTP ${r.status} at node ${node}'s port: the LB marks every node unhealthy`,
          settings: settingOf.healthCheck(f),
        });
      } else if (!answered(r)) {
        notes.push(`health check at node ${node}: ${r.outcome}`);
      }
    }
    const status = signals.length > 0 ? 'fail' : npTotal === 0 && notes.length > 0 ? 'inconclusive' : 'pass';
    const summary =
      signals.length > 0
        ? signals.map((s) => s.summary).join('; ')
        : `${npOk}/${npTotal} NodePort checks connect${f.controller?.healthCheck ? '; the LB health check path answers 2xx' : ''}; conntrack below limits on ${v.nodes.join(', ')}` +
          (notes.length ? `; ${notes.join('; ')}` : '') +
          (v.nodesNotCovered?.length ? `; not checked from: ${v.nodesNotCovered.join(', ')}` : '');
    return { status, summary, signals, observations };
  },
};
