/**
 * Following a route backend: Service → Service port → pods (selector) → target ports → endpoints → nodes.
 * Resolutions are shared per Service and Service port, and their endpoint side is computed on first use.
 */
import type {
  V1EndpointSlice,
  V1Endpoints,
  V1Node,
  V1Pod,
  V1Service,
  V1ServicePort,
} from '@kubernetes/client-node';
import { arr, isDigits, isStringMap, type ObjectIndexes, type PodIndex } from './indexes.js';
import type { BackendResolution, EndpointAddress, RouteBackend } from './types.js';

type Container = NonNullable<V1Pod['spec']>['containers'][number];

function namedPort(c: Container, name: string): number | undefined {
  for (const p of arr<{ name?: string; containerPort: number }>(c.ports)) {
    if (p.name === name) return p.containerPort;
  }
  return undefined;
}

/** Container port number for a Service targetPort on one pod (named ports are looked up per pod). */
export function targetPortOnPod(targetPort: number | string | undefined, pod: V1Pod): number | undefined {
  if (targetPort === undefined) return undefined;
  if (typeof targetPort === 'number') return targetPort;
  if (isDigits(targetPort)) return Number(targetPort);
  // Plain loops without a closure: this runs for every pod of every routed Service.
  for (const c of arr<Container>(pod.spec?.containers)) {
    const port = namedPort(c, targetPort);
    if (port !== undefined) return port;
  }
  // Native sidecars (init containers that keep running) serve ports too.
  const init = pod.spec?.initContainers;
  if (init === undefined) return undefined;
  for (const c of arr<Container>(init)) {
    if (c.restartPolicy !== 'Always') continue;
    const port = namedPort(c, targetPort);
    if (port !== undefined) return port;
  }
  return undefined;
}

/** The Service port a route names: by number, by name, or the only port when the route names none. */
export function findServicePort(
  svc: V1Service,
  port: number | string | undefined,
): V1ServicePort | undefined {
  const ports = arr<V1ServicePort>(svc.spec?.ports);
  if (port === undefined) return ports.length === 1 ? ports[0] : undefined;
  if (typeof port === 'number' || /^\d+$/.test(port)) return ports.find((p) => p.port === Number(port));
  return ports.find((p) => p.name === port);
}

/** The endpoint side of a backend resolution. */
type EndpointSide = Pick<
  BackendResolution,
  'targetPorts' | 'endpointSlices' | 'endpoints' | 'addresses' | 'nodes'
>;

const NO_ENDPOINTS: EndpointSide = {
  targetPorts: new Map(),
  endpointSlices: [],
  addresses: [],
  nodes: [],
};
const noEndpoints = (): EndpointSide => NO_ENDPOINTS;

/** What resolving a Service port gives, shared by every backend that names that Service port. */
interface ResolutionCore {
  service?: V1Service;
  servicePort?: V1ServicePort;
  problem?: BackendResolution['problem'];
  pods: V1Pod[];
  endpointSide: () => EndpointSide;
}

/**
 * A backend's resolution. The Service, port and pods are resolved at once; target ports, endpoints and nodes on
 * first use (they cost per pod and per address, and audit's checks read them for few Services).
 */
class Resolution implements BackendResolution {
  readonly backend: RouteBackend;
  readonly service?: V1Service;
  readonly servicePort?: V1ServicePort;
  readonly problem?: BackendResolution['problem'];
  readonly pods: V1Pod[];
  private readonly side: () => EndpointSide;

  constructor(backend: RouteBackend, core: ResolutionCore) {
    this.backend = backend;
    this.pods = core.pods;
    if (core.service !== undefined) this.service = core.service;
    if (core.servicePort !== undefined) this.servicePort = core.servicePort;
    if (core.problem !== undefined) this.problem = core.problem;
    this.side = core.endpointSide;
  }
  get targetPorts(): Map<V1Pod, number | undefined> {
    return this.side().targetPorts;
  }
  get endpointSlices(): V1EndpointSlice[] {
    return this.side().endpointSlices;
  }
  get endpoints(): V1Endpoints | undefined {
    return this.side().endpoints;
  }
  get addresses(): EndpointAddress[] {
    return this.side().addresses;
  }
  get nodes(): V1Node[] {
    return this.side().nodes;
  }
}

/** Endpoint addresses with readiness, from the Service's EndpointSlices (preferred) or its Endpoints. */
export function endpointAddresses(
  idx: Pick<ObjectIndexes, 'slicesByService' | 'endpoints'>,
  ns: string,
  svcName: string,
  servicePort: V1ServicePort | undefined,
): { slices: V1EndpointSlice[]; ep: V1Endpoints | undefined; addresses: EndpointAddress[] } {
  const slices = idx.slicesByService.get(ns, svcName) ?? [];
  const ep = idx.endpoints.get(ns, svcName);
  const addresses: EndpointAddress[] = [];
  const portName = servicePort?.name ?? '';
  if (slices.length > 0) {
    for (const s of slices) {
      const ports = arr<{ name?: string; port?: number }>(s.ports);
      const sp =
        ports.find((p) => (p.name ?? '') === portName) ?? (ports.length === 1 ? ports[0] : undefined);
      for (const e of arr<NonNullable<V1EndpointSlice['endpoints']>[number]>(s.endpoints)) {
        for (const ip of arr<string>(e?.addresses)) {
          addresses.push({
            ip,
            port: sp?.port,
            // EndpointSlice: an unset ready condition means ready.
            ready: e.conditions?.ready !== false,
            serving: e.conditions?.serving,
            terminating: e.conditions?.terminating,
            nodeName: e.nodeName,
            podName: e.targetRef?.kind === 'Pod' ? e.targetRef.name : undefined,
          });
        }
      }
    }
  } else if (ep) {
    for (const sub of arr<NonNullable<V1Endpoints['subsets']>[number]>(ep.subsets)) {
      const ports = arr<{ name?: string; port: number }>(sub?.ports);
      const sp =
        ports.find((p) => (p.name ?? '') === portName) ?? (ports.length === 1 ? ports[0] : undefined);
      const add = (list: unknown, ready: boolean) => {
        for (const a of arr<{ ip: string; nodeName?: string; targetRef?: { kind?: string; name?: string } }>(
          list,
        )) {
          if (!a || typeof a.ip !== 'string') continue;
          addresses.push({
            ip: a.ip,
            port: sp?.port,
            ready,
            nodeName: a.nodeName,
            podName: a.targetRef?.kind === 'Pod' ? a.targetRef.name : undefined,
          });
        }
      };
      add(sub?.addresses, true);
      add(sub?.notReadyAddresses, false);
    }
  }
  return { slices, ep, addresses };
}

/**
 * resolveBackend over the indexes. Resolutions are shared per Service and Service port: "port: 80" and
 * "port: http" on two routes are one computation. Checks ask again and again for the same route backends: those
 * are answered by identity. Keyed by the Service object, then by Service port number (":" + the port as written
 * when none matched); backends to missing Services by "ns/name:port".
 */
export function backendResolver(
  idx: ObjectIndexes,
  pods: PodIndex,
): (backend: RouteBackend) => BackendResolution {
  const coreByService = new Map<V1Service, Map<number | string, ResolutionCore>>();
  const coreMissing = new Map<string, ResolutionCore>();
  const byBackend = new Map<RouteBackend, BackendResolution>();

  function resolveServicePort(backend: RouteBackend): ResolutionCore {
    const svc = idx.services.get(backend.namespace, backend.serviceName);
    const servicePort =
      svc && svc.spec?.type !== 'ExternalName' ? findServicePort(svc, backend.port) : undefined;
    let cache: Map<number | string, ResolutionCore>;
    let cacheKey: number | string;
    if (svc) {
      let byPort = coreByService.get(svc);
      if (!byPort) {
        byPort = new Map();
        coreByService.set(svc, byPort);
      }
      cache = byPort;
      cacheKey = servicePort ? servicePort.port : `:${backend.port ?? ''}`;
    } else {
      cache = coreMissing;
      cacheKey = `${backend.namespace}/${backend.serviceName}:${backend.port ?? ''}`;
    }
    const cached = cache.get(cacheKey);
    if (cached) return cached;
    const res: ResolutionCore = { pods: [], endpointSide: noEndpoints };
    cache.set(cacheKey, res);
    if (!svc) {
      res.problem = 'service-not-found';
      return res;
    }
    res.service = svc;
    if (svc.spec?.type === 'ExternalName') {
      res.problem = 'external-name';
      return res;
    }
    res.servicePort = servicePort;
    if (!servicePort) res.problem = 'service-port-not-found';
    const selector = svc.spec?.selector;
    // A Service without a selector (or an empty one) has its endpoints managed by hand: it selects no pods.
    if (!isStringMap(selector) || Object.keys(selector).length === 0) {
      res.problem ??= 'no-selector';
    } else {
      res.pods = pods.matching(backend.namespace, selector);
    }
    let side: EndpointSide | undefined;
    res.endpointSide = () => {
      side ??= endpointSide(backend, servicePort, res.pods);
      return side;
    };
    return res;
  }

  /** Target ports, endpoints and nodes of a resolution: computed on first use (most checks never ask). */
  function endpointSide(
    backend: RouteBackend,
    servicePort: V1ServicePort | undefined,
    pods: V1Pod[],
  ): EndpointSide {
    const targetPorts = new Map<V1Pod, number | undefined>();
    const targetPort = servicePort ? (servicePort.targetPort ?? servicePort.port) : undefined;
    for (const p of pods) {
      targetPorts.set(p, servicePort ? targetPortOnPod(targetPort as number | string, p) : undefined);
    }
    const { slices, ep, addresses } = endpointAddresses(
      idx,
      backend.namespace,
      backend.serviceName,
      servicePort,
    );
    // Distinct nodes in first-seen order (addresses, then pods). Small Services (nearly all) use an array
    // instead of a Set per resolution; large ones a Set, so the lookup stays linear.
    const small = addresses.length + pods.length <= 32;
    const nodeNames: string[] = [];
    const seenNodes = small ? undefined : new Set<string>();
    const addNode = (n: string | undefined) => {
      if (!n) return;
      if (seenNodes ? seenNodes.has(n) : nodeNames.includes(n)) return;
      seenNodes?.add(n);
      nodeNames.push(n);
    };
    for (const a of addresses) addNode(a.nodeName);
    for (const p of pods) addNode(p.spec?.nodeName);
    const resolvedNodes: V1Node[] = [];
    for (const n of nodeNames) {
      const node = idx.nodes.get(n);
      if (node) resolvedNodes.push(node);
    }
    return { targetPorts, endpointSlices: slices, endpoints: ep, addresses, nodes: resolvedNodes };
  }

  return (backend) => {
    const known = byBackend.get(backend);
    if (known) return known;
    const res = new Resolution(backend, resolveServicePort(backend));
    byBackend.set(backend, res);
    return res;
  };
}

/** Services whose selector matches a pod (reverse index, built on first use: only some checks need it). */
export function servicesOfPod(services: readonly V1Service[], pods: PodIndex): (pod: V1Pod) => V1Service[] {
  let byPod: Map<V1Pod, V1Service[]> | undefined;
  return (pod) => {
    if (!byPod) {
      byPod = new Map();
      for (const svc of services) {
        const sel = svc.spec?.selector;
        if (!isStringMap(sel) || Object.keys(sel).length === 0) continue;
        for (const p of pods.matching(svc.metadata?.namespace ?? 'default', sel)) {
          const l = byPod.get(p);
          if (l) l.push(svc);
          else byPod.set(p, [svc]);
        }
      }
    }
    return byPod.get(pod) ?? [];
  };
}
