import type { V1ConfigMap, V1NetworkPolicy, V1Pod } from '@kubernetes/client-node';
import type { ObjectRef } from '../cluster/types.js';
import { primaryBackend } from '../dataplane/build.js';
import { routeDataPlaneJson } from '../dataplane/json.js';
import { describeProvenance } from '../dataplane/provenance.js';
import type { DataPlane, Setting } from '../dataplane/types.js';
import { pathMatchScore } from '../graph/match.js';
import { labelSelectorMatches } from '../graph/selector.js';
import type { Route, RouteGraph } from '../graph/types.js';
import { readCniConfigs } from '../mtu/cni.js';
import type { RouteFacts } from './types.js';

/**
 * RouteFacts from a (narrow) route graph: everything the phases need as plain data. Pure: the graph in,
 * facts out. Real-cluster conventions only (annotations, ConfigMaps, CNI ConfigMaps in their own formats).
 */

export interface FactsInput {
  graph: RouteGraph;
  /** The data-plane model of the graph: the controller, timeouts, buffer sizes and protocol come from it. */
  dataplane: DataPlane;
  target: { scheme: 'http' | 'https'; host?: string; path: string; port: number };
  /** A route picked by name (ingress/NAME, httproute/NAME); otherwise resolved from host+path. */
  route?: Route;
  /** --lb-address: overrides the controller Service's status. */
  lbAddress?: string;
  /** IngressClasses were read: only then is a missing class a fact (default: whether the snapshot has any). */
  ingressClassesRead?: boolean;
  clusterDomain?: string;
}

/** The nearest route when none matches the host: same path first, then the most similar host. */
export function nearestRoute(graph: RouteGraph, host: string | undefined, path: string): Route | undefined {
  const suffixScore = (a: string | undefined, b: string | undefined) => {
    if (!a || !b) return 0;
    const x = a.split('.').reverse();
    const y = b.split('.').reverse();
    let i = 0;
    while (i < x.length && i < y.length && x[i] === y[i]) i++;
    return i;
  };
  let best: Route | undefined;
  let bestScore = -Infinity;
  for (const r of graph.routes) {
    const p = pathMatchScore(r.pathType, r.path, path);
    const score = (p >= 0 ? 1000 + Math.min(p, 999) : 0) + suffixScore(r.host, host) * 10000;
    if (score > bestScore) {
      best = r;
      bestScore = score;
    }
  }
  return best;
}

function podReady(p: V1Pod): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Why a pod is not ready, in kubectl's words (waiting reason, failing readiness, phase). */
export function unreadyReason(p: V1Pod): string | undefined {
  if (podReady(p)) return undefined;
  for (const cs of p.status?.containerStatuses ?? []) {
    const w = cs.state?.waiting;
    if (w?.reason) return `${cs.name}: ${w.reason}${w.message ? ` (${w.message.slice(0, 120)})` : ''}`;
    if (cs.state?.terminated?.reason) return `${cs.name}: terminated (${cs.state.terminated.reason})`;
    if (cs.ready === false && cs.state?.running) return `${cs.name}: running but its readiness probe fails`;
  }
  const cond = (p.status?.conditions ?? []).find((c) => c.type === 'Ready');
  if (cond?.message) return cond.message;
  return p.status?.phase && p.status.phase !== 'Running' ? `phase ${p.status.phase}` : 'not ready';
}

function containerPorts(p: V1Pod): number[] {
  const ports: number[] = [];
  for (const c of p.spec?.containers ?? [])
    for (const cp of c.ports ?? []) if (!ports.includes(cp.containerPort)) ports.push(cp.containerPort);
  return ports;
}

function findConfigMap(graph: RouteGraph, namespace: string, name: string): V1ConfigMap | undefined {
  return graph.snapshot.configMaps.find(
    (c) => c.metadata?.namespace === namespace && c.metadata?.name === name,
  );
}

/** The pod MTU the CNI is configured with, read from its ConfigMap in its own format. */
export function cniPodMtu(graph: RouteGraph): { mtu: number; source: string } | undefined {
  // The CNI readers of mtu/cni.ts know each CNI's format and defaults; fall back to the few keys below.
  for (const cfg of readCniConfigs(graph.snapshot.configMaps)) {
    if (cfg.podMtu && cfg.podMtu > 0) {
      return {
        mtu: cfg.podMtu,
        source: `${cfg.configMap.namespace}/${cfg.configMap.name} ${cfg.setting.key}`,
      };
    }
  }
  const calico = findConfigMap(graph, 'kube-system', 'calico-config');
  const veth = Number(calico?.data?.veth_mtu);
  if (calico && veth > 0) return { mtu: veth, source: 'kube-system/calico-config veth_mtu' };
  const cilium = findConfigMap(graph, 'kube-system', 'cilium-config');
  const cm = Number(cilium?.data?.mtu);
  if (cilium && cm > 0) return { mtu: cm, source: 'kube-system/cilium-config mtu' };
  for (const ns of ['kube-flannel', 'kube-system']) {
    const fl = findConfigMap(graph, ns, 'kube-flannel-cfg');
    const conf = fl?.data?.['net-conf.json'];
    if (!conf) continue;
    try {
      const j = JSON.parse(conf) as { Backend?: { MTU?: number } };
      if (j.Backend?.MTU)
        return { mtu: j.Backend.MTU, source: `${ns}/kube-flannel-cfg net-conf.json Backend.MTU` };
    } catch {
      // unreadable net-conf.json: the MTU stays unknown
    }
  }
  return undefined;
}

function policySelects(np: V1NetworkPolicy, labels: Record<string, string> | undefined): boolean {
  const types = np.spec?.policyTypes;
  const ingress = types ? types.includes('Ingress') : true;
  return ingress && labelSelectorMatches(np.spec?.podSelector, labels, 'selects-everything');
}

function ref(
  graph: RouteGraph,
  kind: string,
  obj: { metadata?: { name?: string; namespace?: string } },
): ObjectRef {
  return graph.ref(kind, obj);
}

/** Why no controller serves this route (its class does not exist, no default class, no Gateway accepts it). */
export function unservedReason(graph: RouteGraph, route: Route, classesRead: boolean): string | undefined {
  if (route.source.kind === 'Ingress') {
    if (!classesRead) return undefined;
    const classes = graph.snapshot.ingressClasses.map((c) => c.metadata?.name);
    if (route.className && !classes.includes(route.className)) {
      return `${route.ref.kind} ${route.ref.namespace}/${route.ref.name} names IngressClass "${route.className}", which does not exist (known: ${classes.join(', ') || 'none'})`;
    }
    if (!route.className) {
      return `${route.ref.kind} ${route.ref.namespace}/${route.ref.name} names no IngressClass and none is marked default`;
    }
    return undefined;
  }
  if (route.attached === false) {
    return `${route.ref.kind} ${route.ref.namespace}/${route.ref.name} is not accepted by any listener of its parent Gateways`;
  }
  return undefined;
}

export function buildFacts(input: FactsInput): RouteFacts {
  const { graph, target } = input;
  const match = input.route ? undefined : target.host ? graph.resolve(target.host, target.path) : undefined;
  const route = input.route ?? match?.route ?? nearestRoute(graph, target.host, target.path);
  const routeFound = !!input.route || !!match;
  const facts: RouteFacts = {
    target,
    routeFound,
    endpoints: [],
    pods: [],
    nodes: graph.snapshot.nodes.map((n) => {
      const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      return ip ? { name: n.metadata?.name ?? '', ip } : { name: n.metadata?.name ?? '' };
    }),
    // What the phases assume when no proxy is identified (no controller, no class): ingress-nginx's defaults.
    proxyReadTimeoutS: 60,
    proxyReadTimeoutSource: 'no proxy identified: 60 s assumed (the ingress-nginx default)',
    proxyBufferBytes: 4096,
    proxyBufferSource: 'no proxy identified: 4 KiB assumed (the ingress-nginx default)',
    policiesSelectingBackend: [],
    clusterDomain: input.clusterDomain ?? 'cluster.local',
  };
  const mtu = cniPodMtu(graph);
  if (mtu) {
    facts.podMtu = mtu.mtu;
    facts.podMtuSource = mtu.source;
  }
  if (!route) return facts;
  facts.route = { ref: route.ref, id: route.id, path: route.path };
  if (route.host) facts.route.host = route.host;
  if (route.className) facts.route.className = route.className;
  const unserved = unservedReason(
    graph,
    route,
    input.ingressClassesRead ?? graph.snapshot.ingressClasses.length > 0,
  );
  if (unserved) facts.route.unserved = unserved;

  const dataplane = input.dataplane;
  const dp = dataplane.route(route);
  facts.dataplane = routeDataPlaneJson(dp);
  const ctl = dp.controllers[0];
  if (ctl) {
    const svc = ctl.service;
    const wantPort = target.scheme === 'https' ? 443 : 80;
    const port =
      ctl.nodePorts.find((p) => p.port === target.port) ??
      ctl.nodePorts.find((p) => p.port === wantPort) ??
      ctl.nodePorts.find((p) => (p.name ?? '').startsWith(target.scheme)) ??
      ctl.nodePorts[0];
    facts.controller = {
      ref: ref(graph, 'Service', svc),
      podIPs: ctl.pods
        .filter((p) => p.status?.podIP)
        .map((p) =>
          p.spec?.nodeName
            ? { ip: p.status?.podIP ?? '', nodeName: p.spec.nodeName }
            : { ip: p.status?.podIP ?? '' },
        ),
    };
    if (ctl.family) facts.controller.family = ctl.family;
    const lb = input.lbAddress ?? ctl.loadBalancerAddress;
    if (lb) facts.controller.lbAddress = lb;
    if (port) {
      facts.controller.port = port.port;
      if (port.nodePort !== undefined) facts.controller.nodePort = port.nodePort;
    }
    const hc = dataplane.serviceHealthCheck(svc);
    if (hc?.value.path !== undefined) {
      const v = hc.value;
      facts.controller.healthCheck =
        typeof v.port === 'number'
          ? { path: v.path as string, port: v.port, source: describeProvenance(hc.from) }
          : { path: v.path as string, source: describeProvenance(hc.from) };
    }
  }
  const timeout = dp.settings['read-timeout'];
  if (timeout) {
    facts.proxyReadTimeoutS = timeout.value;
    facts.proxyReadTimeoutSource = describeProvenance(timeout.from);
  }
  const buffer = dp.settings['buffer-size'];
  if (buffer) {
    facts.proxyBufferBytes = buffer.value;
    facts.proxyBufferSource = describeProvenance(buffer.from);
  }
  if (!ctl && input.lbAddress) {
    // --lb-address without a recognisable controller Service: the LB phases still run against it.
    facts.controller = {
      ref: { kind: 'LoadBalancer', name: input.lbAddress },
      lbAddress: input.lbAddress,
      port: target.port,
      podIPs: [],
    };
  }

  const backend = primaryBackend(route);
  if (!backend) return facts;
  const res = graph.resolveBackend(backend);
  const proto: Setting<string> | undefined = dp.settings['backend-protocol'];
  facts.backend = {
    namespace: backend.namespace,
    service: backend.serviceName,
    protocol: proto?.value ?? 'HTTP',
    protocolSource: proto ? describeProvenance(proto.from) : 'no proxy identified: HTTP assumed',
  };
  if (backend.port !== undefined) facts.backend.servicePort = backend.port;
  if (res.problem) facts.backend.problem = res.problem;
  if (res.servicePort) {
    facts.backend.servicePortNumber = res.servicePort.port;
    if (res.servicePort.targetPort !== undefined) facts.backend.targetPort = res.servicePort.targetPort;
    else facts.backend.targetPort = res.servicePort.port;
  }
  const sel = res.service?.spec?.selector;
  if (sel) facts.backend.selector = sel;
  facts.endpoints = res.addresses.map((a) => {
    const e: RouteFacts['endpoints'][number] = { ip: a.ip, ready: a.ready };
    if (a.port !== undefined) e.port = a.port;
    if (a.nodeName) e.nodeName = a.nodeName;
    if (a.podName) e.podName = a.podName;
    return e;
  });
  const templates = graph.isTemplatePod;
  facts.pods = res.pods
    .filter((p) => !templates || !templates(p))
    .map((p) => {
      const out: RouteFacts['pods'][number] = {
        name: p.metadata?.name ?? '',
        ready: podReady(p),
        containerPorts: containerPorts(p),
      };
      if (p.status?.podIP) out.ip = p.status.podIP;
      if (p.spec?.nodeName) out.nodeName = p.spec.nodeName;
      const tp = res.targetPorts.get(p);
      if (tp !== undefined) out.targetPort = tp;
      const why = unreadyReason(p);
      if (why) out.unreadyReason = why;
      return out;
    });
  // Endpoints know their pod by name; fill the node from the pod when the slice does not say.
  for (const e of facts.endpoints) {
    if (!e.nodeName) {
      const pod = facts.pods.find((p) => p.name === e.podName || p.ip === e.ip);
      if (pod?.nodeName) e.nodeName = pod.nodeName;
    }
  }
  const backendLabels = res.pods[0]?.metadata?.labels;
  facts.policiesSelectingBackend = graph.snapshot.networkPolicies
    .filter((np) => np.metadata?.namespace === backend.namespace && policySelects(np, backendLabels))
    .map((np) => np.metadata?.name ?? '');
  return facts;
}
