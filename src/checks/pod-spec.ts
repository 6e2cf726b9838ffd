import type { V1Container, V1Pod, V1Probe, V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { ObjectRef, Workload } from '../cluster/types.js';
import { isDigits } from '../graph/build.js';
import type { RouteGraph } from '../graph/types.js';
import { list, str } from './shape.js';

/** The workload behind a pod: the graph's answer (template owner / ownerReferences), else ownerReferences. */
function ownerOf(
  graph: RouteGraph,
  pod: V1Pod,
): { kind: string; name: string; workload?: Workload } | undefined {
  const workload = graph.workloadOf?.(pod);
  if (workload?.metadata?.name) return { kind: workload.kind, name: workload.metadata.name, workload };
  const owner = pod.metadata?.ownerReferences?.[0];
  return owner ? { kind: owner.kind, name: owner.name } : undefined;
}

/**
 * Per-graph memo tables. Plain Maps held by one WeakMap entry per graph, not a WeakMap per pod: 50,000 pods as
 * weak keys make every garbage collection walk them as ephemerons, and the answers depend on the graph anyway.
 */
interface PodMemo {
  ownerNames: Map<V1Pod, string>;
  distinct: Map<readonly V1Pod[], V1Pod[]>;
}

const memos = new WeakMap<RouteGraph, PodMemo>();

function memoOf(graph: RouteGraph): PodMemo {
  let m = memos.get(graph);
  if (!m) {
    m = { ownerNames: new Map(), distinct: new Map() };
    memos.set(graph, m);
  }
  return m;
}

/** What a person calls the pod in a message: its owner when it has one ("Deployment shop/web"), else the pod. */
export function podOwnerName(graph: RouteGraph, pod: V1Pod): string {
  // Memoised: checks ask for every replica of every routed backend, often several times.
  const ownerNames = memoOf(graph).ownerNames;
  const cached = ownerNames.get(pod);
  if (cached !== undefined) return cached;
  const ns = pod.metadata?.namespace ?? 'default';
  const owner = ownerOf(graph, pod);
  const name = owner ? `${owner.kind} ${ns}/${owner.name}` : `Pod ${ns}/${pod.metadata?.name ?? '?'}`;
  ownerNames.set(pod, name);
  return name;
}

/** Object ref of a pod for findings: its owner workload when known (file:line of the manifest), else the pod. */
export function podRef(graph: RouteGraph, pod: V1Pod): ObjectRef {
  const owner = ownerOf(graph, pod);
  if (owner?.workload) return graph.ref(owner.kind, owner.workload);
  if (owner) return { kind: owner.kind, namespace: pod.metadata?.namespace, name: owner.name };
  return graph.ref('Pod', pod);
}

/**
 * One representative pod per owner (replicas share a template), so a Deployment with 50 replicas yields one
 * finding, not 50. Pods without owner are grouped by their labels.
 */
export function distinctByOwner(graph: RouteGraph, pods: readonly V1Pod[]): V1Pod[] {
  // Memoised by array identity: a resolution's pods array is shared by every check that asks.
  const distinctCache = memoOf(graph).distinct;
  const cached = distinctCache.get(pods);
  if (cached) return cached;
  const seen = new OwnerSet();
  const out: V1Pod[] = [];
  for (const pod of pods) {
    const ns = pod.metadata?.namespace ?? 'default';
    const owner = ownerOf(graph, pod);
    // Pods without owner but with identical labels are hand-made replicas: one finding for all of them.
    const fresh = owner
      ? seen.add(ns, owner.kind, owner.name)
      : seen.add(ns, '', JSON.stringify(Object.entries(pod.metadata?.labels ?? {}).sort()));
    if (fresh) out.push(pod);
  }
  distinctCache.set(pods, out);
  return out;
}

/**
 * A set of (namespace, kind, name) keyed by the strings the objects already hold: nested maps hash each string
 * once (V8 caches the hash), where a joined key string would be built and hashed for every pod.
 */
class OwnerSet {
  private readonly byNs = new Map<string, Map<string, Set<string>>>();
  /** true when the key was not there yet. */
  add(ns: string, kind: string, name: string): boolean {
    let byKind = this.byNs.get(ns);
    if (!byKind) {
      byKind = new Map();
      this.byNs.set(ns, byKind);
    }
    let names = byKind.get(kind);
    if (!names) {
      names = new Set();
      byKind.set(kind, names);
    }
    if (names.has(name)) return false;
    names.add(name);
    return true;
  }
}

export function containersOf(pod: V1Pod): V1Container[] {
  return list(pod.spec?.containers);
}

/** The container port number a Service targetPort resolves to in this pod (undefined: named port not exposed). */
export function resolveTargetPort(pod: V1Pod, targetPort: number | string): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  if (isDigits(targetPort)) return Number(targetPort);
  for (const c of containersOf(pod)) {
    for (const p of list(c.ports)) if (p.name === targetPort) return p.containerPort;
  }
  return undefined;
}

export function targetPortOf(port: V1ServicePort): number | string {
  return port.targetPort ?? port.port;
}

/** The container that serves a container port: the one declaring it, or the only container. */
export function servingContainer(pod: V1Pod, containerPort: number | undefined): V1Container | undefined {
  const containers = containersOf(pod);
  if (containerPort !== undefined) {
    const declaring = containers.find((c) => list(c.ports).some((p) => p.containerPort === containerPort));
    if (declaring) return declaring;
  }
  return containers.length === 1 ? containers[0] : undefined;
}

/** Port number of a probe's httpGet/tcpSocket/grpc, resolving a named port against the container. */
export function probePort(probe: V1Probe, container: V1Container): number | undefined {
  const raw = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') return raw;
  if (/^\d+$/.test(raw)) return Number(raw);
  return list(container.ports).find((p) => p.name === raw)?.containerPort;
}

export interface HttpProbe {
  kind: 'liveness' | 'readiness';
  path: string;
  port?: number;
}

/** The httpGet probes of a container (path defaults to "/" as the kubelet does). */
export function httpProbe(container: V1Container, kind: 'liveness' | 'readiness'): HttpProbe | undefined {
  const probe = kind === 'liveness' ? container.livenessProbe : container.readinessProbe;
  if (!probe?.httpGet) return undefined;
  return { kind, path: str(probe.httpGet.path) || '/', port: probePort(probe, container) };
}

/** Pods a Service selects (indexed lookup through the graph; none for selector-less Services). */
export function servicePods(graph: RouteGraph, service: V1Service): V1Pod[] {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return graph.podsMatching(service.metadata?.namespace ?? 'default', selector);
}

/** "shop/web" */
export function nsName(obj: { metadata?: { name?: string; namespace?: string } }): string {
  return `${obj.metadata?.namespace ?? 'default'}/${obj.metadata?.name ?? '?'}`;
}

/** A pod a check looks at, with the container port its traffic reaches (when known). */
export interface ServedPod {
  pod: V1Pod;
  port?: number;
}

/**
 * Each target with its serving container, once per workload and container: replicas share one spec, so a
 * finding per replica would only repeat itself.
 */
export function* servingContainersOnce<T extends ServedPod>(
  graph: RouteGraph,
  targets: readonly T[],
): Generator<[T, V1Container]> {
  const seen = new OwnerSet();
  for (const target of targets) {
    const container = servingContainer(target.pod, target.port) ?? target.pod.spec?.containers?.[0];
    if (!container) continue;
    if (!seen.add('', podOwnerName(graph, target.pod), container.name)) continue;
    yield [target, container];
  }
}
