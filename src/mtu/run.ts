import type { V1ConfigMap, V1Node } from '@kubernetes/client-node';
import { type DfPingProbe, type DfPingSpec, runDfPings } from '../probes/ping.js';
import { findPathMtu, type PathMtuResult, type SendRound } from '../probes/pmtu.js';
import { type Vantage, type VantageProvider, VantageUnavailable } from '../vantage/types.js';
import { readCniConfigs } from './cni.js';
import { effectiveMtu, type InterfaceReport, interfaceArgv, parseInterfaceReport } from './links.js';
import type { MtuPair, MtuReport, PairKind, VantageInterfaces } from './types.js';
import { mtuVerdict } from './verdict.js';

/** What `mtu` needs from the cluster, read narrowly by the CLI (nodes, the CNI ConfigMaps, LB addresses). */
export interface MtuClusterView {
  nodes: V1Node[];
  configMaps: V1ConfigMap[];
  /** Load balancer addresses of the ingress controller / Gateway Services (for --to lb). */
  loadBalancers: { label: string; address: string }[];
}

export type FromKind = 'pod' | 'node' | 'local';

export interface MtuRunOptions {
  from: FromKind;
  /** 'pod' | 'node' | 'lb' | a host name or address. */
  to: string;
  /** The default run (no --from/--to): pod→pod plus node→node on the underlay. */
  withUnderlay: boolean;
  /** Restrict to these nodes (--nodes). */
  nodes?: string[];
  /** Most nodes to probe from on large clusters (default 16): a sample, said in the report. */
  maxNodes?: number;
  /** DF ping -W in seconds. */
  timeoutS?: number;
  version: string;
  /** Resolve a host name where the CLI runs (for --to HOST from local). */
  resolve?: (host: string) => Promise<string | undefined>;
}

/** Thrown for input the user must fix (unknown node names, no load balancer): the CLI turns it into exit 2. */
export class MtuInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MtuInputError';
  }
}

export function nodeAddress(node: V1Node): string | undefined {
  const addrs = node.status?.addresses ?? [];
  return (addrs.find((a) => a.type === 'InternalIP') ?? addrs.find((a) => a.type === 'ExternalIP'))?.address;
}

function spreadNodes(nodes: string[], max: number): string[] {
  if (nodes.length <= max) return nodes;
  return Array.from({ length: max }, (_, i) => nodes[Math.floor((i * nodes.length) / max)]);
}

/**
 * Which ordered pairs of nodes to measure. Up to 5 nodes: every pair (one direction: the reply crosses back).
 * More: a ring (each node sends once and receives once), over at most `maxNodes` nodes spread over the list.
 */
export function choosePairs(
  nodes: string[],
  maxNodes = 16,
): { pairs: [string, string][]; sampled: boolean; note?: string } {
  if (nodes.length < 2) return { pairs: [], sampled: false };
  if (nodes.length <= 5) {
    const pairs: [string, string][] = [];
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++) pairs.push([nodes[i], nodes[j]]);
    return { pairs, sampled: false };
  }
  const chosen = spreadNodes(nodes, maxNodes);
  const pairs = chosen.map((n, i) => [n, chosen[(i + 1) % chosen.length]] as [string, string]);
  const all = (nodes.length * (nodes.length - 1)) / 2;
  return {
    pairs,
    sampled: true,
    note: `sampled ${pairs.length} of ${all} node pairs: ${chosen.length === nodes.length ? 'every node' : `${chosen.length} of ${nodes.length} nodes spread over the list,`} once as sender and once as receiver`,
  };
}

/**
 * Several path searches from one vantage share its execs: the probes all searches want in the same tick go
 * into ONE batched exec (a round costs one API request per vantage, not one per pair).
 */
export function coalescingSender(vantage: Vantage): SendRound {
  let pending: { specs: DfPingSpec[]; resolve: (r: DfPingProbe[]) => void }[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    const all = batch.flatMap((b) => b.specs);
    const results = await runDfPings(vantage, all);
    let i = 0;
    for (const b of batch) {
      b.resolve(results.slice(i, i + b.specs.length));
      i += b.specs.length;
    }
  };
  return (specs) =>
    new Promise((resolve) => {
      if (pending.length === 0) setImmediate(() => void flush());
      pending.push({ specs, resolve });
    });
}

interface Endpoint {
  vantage?: Vantage;
  ip?: string;
}

/** Run the measurements and build the report. Vantages come from the provider; nothing here prints. */
export async function runMtu(
  view: MtuClusterView,
  provider: VantageProvider,
  opts: MtuRunOptions,
): Promise<MtuReport> {
  const started = Date.now();
  const unavailable: string[] = [];
  const cni = readCniConfigs(view.configMaps);

  const known = new Map(view.nodes.map((n) => [n.metadata?.name ?? '', n]));
  if (opts.nodes?.length) {
    const missing = opts.nodes.filter((n) => !known.has(n));
    if (missing.length) {
      throw new MtuInputError(
        `no such node: ${missing.join(', ')} (nodes: ${[...known.keys()].join(', ') || 'none'})`,
      );
    }
  }
  // NotReady nodes would only make probe pods wait for their timeout: leave them out unless asked for by name.
  const notReady = view.nodes
    .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status !== 'True'))
    .map((n) => n.metadata?.name ?? '');
  const ready = view.nodes
    .map((n) => n.metadata?.name ?? '')
    .filter((n) => n && (opts.nodes?.length ? opts.nodes.includes(n) : !notReady.includes(n)));

  const toPeerKind = opts.to === 'pod' || opts.to === 'node' ? opts.to : undefined;
  let pairPlan: { pairs: [string, string][]; sampled: boolean; note?: string } = {
    pairs: [],
    sampled: false,
  };
  let hostTargets: { label: string; address: string }[] = [];
  if (toPeerKind) {
    if (opts.from === 'local')
      throw new MtuInputError(`--from local goes with --to lb or --to HOST, not --to ${opts.to}`);
    if (ready.length < 2) {
      throw new MtuInputError(
        `pod→pod and node→node paths need two nodes; ${ready.length === 1 ? `only ${ready[0]} is` : 'none are'} selected`,
      );
    }
    pairPlan = choosePairs(ready, opts.maxNodes);
  } else if (opts.to === 'lb') {
    if (view.loadBalancers.length === 0) {
      throw new MtuInputError(
        'no load balancer address found (no Service of type LoadBalancer with status.loadBalancer.ingress); use --to HOST',
      );
    }
    hostTargets = view.loadBalancers;
  } else {
    hostTargets = [{ label: opts.to, address: opts.to }];
  }

  // Which vantages are needed.
  const podNodes = new Set<string>();
  const nodeNodes = new Set<string>();
  // To a host from pods/nodes: from each selected node (spread over at most maxNodes).
  const senders: string[] =
    opts.from === 'local' || toPeerKind ? [] : spreadNodes(ready, opts.maxNodes ?? 16);
  for (const [a, b] of pairPlan.pairs) {
    const set = opts.from === 'node' ? nodeNodes : podNodes;
    set.add(a);
    (toPeerKind === 'node' ? nodeNodes : podNodes).add(b);
    if (opts.withUnderlay) {
      nodeNodes.add(a);
      nodeNodes.add(b);
    }
  }
  for (const n of senders) (opts.from === 'node' ? nodeNodes : podNodes).add(n);
  if (provider.prepare && (podNodes.size > 0 || nodeNodes.size > 0)) {
    const { failed } = await provider.prepare({ pods: [...podNodes], nodes: [...nodeNodes] });
    for (const f of failed) unavailable.push(`${f.kind}@${f.node}: ${f.error.message}`);
  }
  const vantageOf = async (kind: 'pod' | 'node', node: string): Promise<Endpoint> => {
    try {
      const v = kind === 'pod' ? await provider.pod(node) : await provider.node(node);
      const ip = v.ip ?? (kind === 'node' ? nodeAddress(known.get(node) as V1Node) : undefined);
      return ip ? { vantage: v, ip } : { vantage: v };
    } catch (err) {
      if (!(err instanceof VantageUnavailable)) throw err;
      const line = `${kind}@${node}: ${err.message}`;
      if (!unavailable.includes(line)) unavailable.push(line);
      return {};
    }
  };
  const endpoints = new Map<string, Endpoint>();
  await Promise.all([
    ...[...podNodes].map(async (n) => endpoints.set(`pod@${n}`, await vantageOf('pod', n))),
    ...[...nodeNodes].map(async (n) => endpoints.set(`node@${n}`, await vantageOf('node', n))),
  ]);

  // The measurements to make: [kind, from vantage key, to vantage key | host].
  interface Plan {
    kind: PairKind;
    from: string;
    fromNode?: string;
    /** The vantage at the far end, when it is one of ours (for its route back: which interface it uses). */
    toKey?: string;
    to: { label: string; ip?: string; node?: string };
  }
  const plans: Plan[] = [];
  const senderKind = opts.from === 'node' ? 'node' : 'pod';
  for (const [a, b] of pairPlan.pairs) {
    const targetKey = `${toPeerKind}@${b}`;
    plans.push({
      kind:
        senderKind === 'pod' && toPeerKind === 'pod'
          ? 'pod-pod'
          : senderKind === 'node' && toPeerKind === 'node'
            ? 'node-node'
            : 'to-host',
      from: `${senderKind}@${a}`,
      fromNode: a,
      toKey: targetKey,
      to: {
        label: `${targetKey} (${endpoints.get(targetKey)?.ip ?? '?'})`,
        node: b,
        ...ipOf(endpoints.get(targetKey)),
      },
    });
    if (opts.withUnderlay) {
      plans.push({
        kind: 'node-node',
        from: `node@${a}`,
        fromNode: a,
        toKey: `node@${b}`,
        to: {
          label: `node@${b} (${endpoints.get(`node@${b}`)?.ip ?? '?'})`,
          node: b,
          ...ipOf(endpoints.get(`node@${b}`)),
        },
      });
    }
  }
  for (const h of hostTargets) {
    let ip: string | undefined = h.address;
    if (opts.from === 'local' && !/^[\d.]+$|:/.test(h.address) && opts.resolve)
      ip = (await opts.resolve(h.address)) ?? h.address;
    if (opts.from === 'local') {
      plans.push({
        kind: 'to-host',
        from: 'local',
        to: { label: ip && !h.label.includes(ip) ? `${h.label} (${ip})` : h.label, ...(ip ? { ip } : {}) },
      });
    } else {
      for (const n of senders)
        plans.push({ kind: 'to-host', from: `${senderKind}@${n}`, fromNode: n, to: { label: h.label, ip } });
    }
  }

  // Interfaces, read once per vantage, with a route lookup towards each of its peers.
  const vantages = new Map<string, Vantage>();
  for (const [key, ep] of endpoints) if (ep.vantage) vantages.set(key, ep.vantage);
  if (opts.from === 'local') vantages.set('local', provider.local());
  const peersOf = new Map<string, string[]>();
  const addPeer = (key: string, ip: string | undefined) => {
    if (!ip) return;
    const list = peersOf.get(key) ?? [];
    if (!list.includes(ip)) list.push(ip);
    peersOf.set(key, list);
  };
  for (const p of plans) {
    addPeer(p.from, p.to.ip);
    // The receiver's route back shows which of its interfaces the path uses (a lookup, no traffic).
    if (p.toKey) addPeer(p.toKey, endpoints.get(p.from)?.ip);
  }
  const interfaces: VantageInterfaces[] = [];
  const reports = new Map<string, InterfaceReport>();
  await Promise.all(
    [...vantages].map(async ([key, v]) => {
      const exec = await v.exec(interfaceArgv(peersOf.get(key) ?? []), { timeoutMs: 8000 });
      const report = exec.startError
        ? { links: [], routes: [], problems: [`could not read interfaces: ${exec.startError}`] }
        : parseInterfaceReport(exec.stdout);
      reports.set(key, report);
      const routeDevs = [
        ...new Set(report.routes.map((r) => r.dev).filter((d): d is string => d !== undefined)),
      ];
      const vi: VantageInterfaces = {
        vantage: v.id,
        kind: v.kind,
        links: report.links,
        routeDevs,
        problems: report.problems,
      };
      if (v.nodeName) vi.node = v.nodeName;
      const ip = endpoints.get(key)?.ip ?? v.ip;
      if (ip) vi.ip = ip;
      interfaces.push(vi);
    }),
  );
  interfaces.sort((a, b) => a.vantage.localeCompare(b.vantage));

  // The searches: every pair at once; rounds from one vantage share one exec.
  const senderFor = new Map<string, SendRound>();
  const likely = [...new Set(cni.map((c) => c.podMtu).filter((m): m is number => m !== undefined))];
  const pairs: MtuPair[] = [];
  await Promise.all(
    plans.map(async (p) => {
      const v = vantages.get(p.from);
      const pair: MtuPair = {
        kind: p.kind,
        from: {
          vantage: v?.id ?? p.from,
          ...(p.fromNode ? { node: p.fromNode } : {}),
          ...ipOf(endpoints.get(p.from)),
        },
        to: { label: p.to.label, ip: p.to.ip ?? '', ...(p.to.node ? { node: p.to.node } : {}) },
        search: notMeasured(p.to.ip ?? '', ''),
      };
      pairs.push(pair);
      if (!v) {
        pair.search = notMeasured(p.to.ip ?? '', `vantage ${p.from} unavailable`);
        return;
      }
      if (!p.to.ip) {
        pair.search = notMeasured('', `no address for ${p.to.label}`);
        return;
      }
      const report = reports.get(p.from);
      const eff = report ? effectiveMtu(report, p.to.ip) : { cached: false };
      const found = eff.mtu ?? fallbackMtu(report);
      // No IP packet is larger than 65535 (loopback says 65536).
      const senderMtu = found === undefined ? undefined : Math.min(found, 65535);
      if (senderMtu !== undefined) pair.senderMtu = senderMtu;
      if (eff.dev) pair.senderDev = eff.dev;
      let sendTo = senderFor.get(p.from);
      if (!sendTo) {
        sendTo = coalescingSender(v);
        senderFor.set(p.from, sendTo);
      }
      const searchOpts: Parameters<typeof findPathMtu>[2] = { maxMtu: senderMtu ?? 1500, likely };
      if (senderMtu !== undefined) searchOpts.interfaceMtu = senderMtu;
      if (opts.timeoutS !== undefined) searchOpts.timeoutS = opts.timeoutS;
      pair.search = await findPathMtu(p.to.ip, sendTo, searchOpts);
    }),
  );
  const order: Record<PairKind, number> = { 'node-node': 0, 'pod-pod': 1, 'to-host': 2 };
  pairs.sort((a, b) => order[a.kind] - order[b.kind] || a.from.vantage.localeCompare(b.from.vantage));

  const verdict = mtuVerdict({ cni, interfaces, pairs });
  const report: MtuReport = {
    schemaVersion: 1,
    tool: { name: 'ingress-doctor', version: opts.version },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    scope: {
      from: opts.from,
      to: opts.to,
      nodes: toPeerKind ? [...new Set(pairPlan.pairs.flat())] : senders,
      pairs: toPeerKind ? (pairPlan.sampled ? 'sampled' : 'all') : 'single',
    },
    cni,
    interfaces,
    pairs,
    verdict,
    unavailable,
  };
  const notes = [
    pairPlan.note,
    ...(opts.nodes?.length || notReady.length === 0 ? [] : [`left out NotReady: ${notReady.join(', ')}`]),
  ];
  const note = notes.filter(Boolean).join('; ');
  if (note) report.scope.note = note;
  const requests = provider.requestCount?.();
  if (requests !== undefined) report.apiRequests = requests;
  return report;
}

function ipOf(ep: Endpoint | undefined): { ip?: string } {
  return ep?.ip ? { ip: ep.ip } : {};
}

/** Without a route lookup: the largest MTU among the vantage's up, non-loopback interfaces. */
function fallbackMtu(report: InterfaceReport | undefined): number | undefined {
  const mtus = (report?.links ?? []).filter((l) => l.up && l.name !== 'lo').map((l) => l.mtu);
  return mtus.length ? Math.max(...mtus) : undefined;
}

function notMeasured(target: string, why: string): PathMtuResult {
  return {
    target,
    status: 'inconclusive',
    exact: false,
    silentLoss: false,
    range: { min: 0, max: 0 },
    rounds: 0,
    probes: [],
    durationMs: 0,
    summary: why ? `not measured: ${why}` : 'not measured',
    notes: why ? [why] : [],
  };
}
