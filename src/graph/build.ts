/**
 * The route graph: indexes built once over a ClusterSnapshot, and queries over them.
 *
 *   import { buildGraph, routeLabel } from '../graph/build.js';
 *   const graph = buildGraph(snapshot);
 *   for (const route of graph.routes) {              // one per Ingress path / default backend / HTTPRoute match
 *     for (const backend of route.backends) {
 *       const r = graph.resolveBackend(backend);      // Service, port, pods, targetPorts, endpoints, nodes
 *       if (r.problem) …                              // 'service-not-found' | 'service-port-not-found' | …
 *     }
 *   }
 *   graph.resolve('shop.example.com', '/cart');       // the route a controller would pick
 *   graph.controllersFor(route);                      // ingress controller / Gateway Services for it
 *   graph.ref('Service', svc);                        // ObjectRef with file:line for findings
 *
 * Template pods: from files, every workload whose selector matches no real pod becomes one synthetic pod
 * made from its pod template (live: only when the snapshot holds no pods at all). `graph.isTemplatePod(pod)`
 * tells them apart and `graph.ref('Pod', templatePod)` points at the workload.
 *
 * Building is O(objects); queries use maps (pods indexed by label key=value, slices by service name), never a
 * scan of all pods. Resolutions are memoised and shared: treat everything the graph returns as read-only.
 */
import type {
  V1EndpointSlice,
  V1Endpoints,
  V1Ingress,
  V1IngressBackend,
  V1IngressClass,
  V1LabelSelector,
  V1LabelSelectorRequirement,
  V1Namespace,
  V1Node,
  V1Pod,
  V1Service,
  V1ServicePort,
} from '@kubernetes/client-node';
import type {
  BackendRef,
  ClusterSnapshot,
  Gateway,
  GatewayListener,
  GRPCRoute,
  HTTPRoute,
  ObjectRef,
  ParentRef,
  Workload,
} from '../cluster/types.js';
import {
  controllerSignals,
  familyImplementsGatewayController,
  familyImplementsIngressController,
  isController,
} from './controllers.js';
import {
  hostMatches,
  labelSelectorMatches,
  normalizeHost,
  pathMatchScore,
  selectorMatches,
} from './match.js';
import type {
  BackendResolution,
  ControllerInfo,
  EndpointAddress,
  GatewayAttachment,
  PathMatchType,
  Route,
  RouteBackend,
  RouteGraph,
  RouteMatch,
} from './types.js';

export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** "host/path" for messages and Finding.route; "*" for any host. Default backends read "host (default backend)". */
export function routeLabel(route: Route): string {
  const host = route.host ?? '*';
  return route.isDefaultBackend ? `${host} (default backend)` : `${host}${route.path}`;
}

/** A list field as a list: [] when missing or not a list, without null entries (malformed manifests). */
function arr<T>(v: T[] | undefined | null | unknown): T[] {
  if (!Array.isArray(v)) return [];
  // A loop, not includes(null) || includes(undefined): this runs per pod and port, and lists are tiny.
  for (let i = 0; i < v.length; i++) {
    if (v[i] === null || v[i] === undefined) return v.filter((x) => x !== null && x !== undefined);
  }
  return v as T[];
}

function key(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

/**
 * Objects by namespace, then name. Nested maps rather than "ns/name" keys: a lookup then hashes strings the
 * objects already hold (V8 caches a string's hash) instead of building and hashing a new string every time.
 */
class NsIndex<T> {
  private readonly byNs = new Map<string, Map<string, T>>();
  get(namespace: string | undefined, name: string | undefined): T | undefined {
    return this.byNs.get(namespace ?? '')?.get(name ?? '');
  }
  set(namespace: string | undefined, name: string | undefined, value: T): void {
    const ns = namespace ?? '';
    let names = this.byNs.get(ns);
    if (!names) {
      names = new Map();
      this.byNs.set(ns, names);
    }
    names.set(name ?? '', value);
  }
}

function nsOf(obj: { metadata?: { namespace?: string } }): string {
  return obj.metadata?.namespace ?? 'default';
}

function createdAt(obj: { metadata?: { creationTimestamp?: Date | string } }): number {
  const t = obj.metadata?.creationTimestamp;
  if (t === undefined) return Number.POSITIVE_INFINITY;
  const ms = new Date(t).getTime();
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A pod standing in for a workload's replicas when there are no live pods (manifests). */
function templatePod(w: Workload): V1Pod | undefined {
  const tpl = w.spec?.template;
  if (!tpl || typeof tpl !== 'object') return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${w.metadata?.name ?? 'unnamed'}-template`,
      namespace: nsOf(w),
      labels: isStringMap(tpl.metadata?.labels) ? tpl.metadata.labels : {},
      annotations: isStringMap(tpl.metadata?.annotations) ? tpl.metadata.annotations : {},
      ownerReferences: [
        {
          apiVersion: w.apiVersion ?? 'apps/v1',
          kind: w.kind,
          name: w.metadata?.name ?? '',
          uid: '',
          controller: true,
        },
      ],
    },
    spec: tpl.spec,
  };
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

type Container = NonNullable<V1Pod['spec']>['containers'][number];

function namedPort(c: Container, name: string): number | undefined {
  for (const p of arr<{ name?: string; containerPort: number }>(c.ports)) {
    if (p.name === name) return p.containerPort;
  }
  return undefined;
}

/** /^\d+$/.test(s) without a regular expression for strings (called per pod); anything else as before. */
export function isDigits(s: string): boolean {
  if (typeof s !== 'string') return /^\d+$/.test(String(s));
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
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

interface ClassInfo {
  className?: string;
  classSource?: Route['classSource'];
}

export function buildGraph(snapshot: ClusterSnapshot): RouteGraph {
  // ---- indexes ----------------------------------------------------------------------------
  const services = new NsIndex<V1Service>();
  for (const s of snapshot.services) services.set(nsOf(s), s.metadata?.name, s);
  const nodes = new Map<string, V1Node>();
  for (const n of snapshot.nodes) if (n.metadata?.name) nodes.set(n.metadata.name, n);
  const namespaces = new Map<string, V1Namespace>();
  for (const n of snapshot.namespaces) if (n.metadata?.name) namespaces.set(n.metadata.name, n);
  const endpoints = new NsIndex<V1Endpoints>();
  for (const e of snapshot.endpoints) endpoints.set(nsOf(e), e.metadata?.name, e);
  const slicesByService = new NsIndex<V1EndpointSlice[]>();
  for (const s of snapshot.endpointSlices) {
    const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const list = slicesByService.get(nsOf(s), svc);
    if (list) list.push(s);
    else slicesByService.set(nsOf(s), svc, [s]);
  }
  // kind → namespace → name.
  const workloads = new Map<string, NsIndex<Workload>>();
  for (const w of snapshot.workloads) {
    let byKind = workloads.get(w.kind);
    if (!byKind) {
      byKind = new NsIndex();
      workloads.set(w.kind, byKind);
    }
    byKind.set(nsOf(w), w.metadata?.name, w);
  }

  // Pods: real pods, plus template pods of workloads that have none (see header).
  // Maps, not WeakMaps: they live as long as the graph, and weak keys cost every GC an ephemeron walk.
  const templateOwner = new Map<V1Pod, Workload>();
  const pods: V1Pod[] = [];
  const podsByNs = new Map<string, V1Pod[]>();
  // ns → label key → label value → pods. Nested maps: no "k=v" string per pod label (50,000 pods, 150,000 labels).
  const podsByLabel = new Map<string, Map<string, Map<string, V1Pod[]>>>();
  function addPod(p: V1Pod): void {
    pods.push(p);
    const ns = nsOf(p);
    let list = podsByNs.get(ns);
    if (!list) {
      list = [];
      podsByNs.set(ns, list);
    }
    list.push(p);
    let byKey = podsByLabel.get(ns);
    if (!byKey) {
      byKey = new Map();
      podsByLabel.set(ns, byKey);
    }
    const labels = p.metadata?.labels;
    if (!isStringMap(labels)) return;
    for (const k in labels) {
      const v = labels[k];
      let byValue = byKey.get(k);
      if (!byValue) {
        byValue = new Map();
        byKey.set(k, byValue);
      }
      const l = byValue.get(v);
      if (l) l.push(p);
      else byValue.set(v, [p]);
    }
  }
  for (const p of snapshot.pods) addPod(p);

  const selectorCache = new Map<string, V1Pod[]>();
  function podsMatching(namespace: string, selector: Record<string, string>): V1Pod[] {
    const keys = Object.keys(selector ?? {});
    if (keys.length === 0) return podsByNs.get(namespace) ?? [];
    const byKey = podsByLabel.get(namespace);
    // One label: the index answers directly, no cache needed.
    if (keys.length === 1) return byKey?.get(keys[0])?.get(selector[keys[0]]) ?? [];
    keys.sort();
    let cacheKey = namespace;
    for (const k of keys) cacheKey += `\u0000${k}=${selector[k]}`;
    const cached = selectorCache.get(cacheKey);
    if (cached) return cached;
    let smallest: V1Pod[] | undefined;
    for (const k of keys) {
      const l = byKey?.get(k)?.get(selector[k]);
      if (!l) {
        smallest = [];
        break;
      }
      if (!smallest || l.length < smallest.length) smallest = l;
    }
    const result = (smallest ?? []).filter((p) => selectorMatches(selector, p.metadata?.labels));
    selectorCache.set(cacheKey, result);
    return result;
  }

  function podsMatchingSelector(namespace: string, selector: V1LabelSelector | undefined): V1Pod[] {
    if (!selector) return [];
    const base = podsMatching(namespace, isStringMap(selector.matchLabels) ? selector.matchLabels : {});
    const exprs = arr<V1LabelSelectorRequirement>(selector.matchExpressions);
    if (exprs.length === 0) return base;
    return base.filter((p) => labelSelectorMatches({ matchExpressions: exprs }, p.metadata?.labels));
  }

  // Template pods: live, only when the snapshot has no pods at all (a workload scaled to zero must stay
  // podless); from files, for each workload no real pod stands for (manifests, or dumps without its pods).
  if (!snapshot.live || snapshot.pods.length === 0) {
    const templates: V1Pod[] = [];
    for (const w of snapshot.workloads) {
      // A ReplicaSet owned by a Deployment in the same snapshot would double its pods.
      if (
        w.kind === 'ReplicaSet' &&
        arr<{ kind?: string }>(w.metadata?.ownerReferences).some((o) => o.kind === 'Deployment')
      )
        continue;
      const sel = w.spec?.selector;
      if (snapshot.pods.length > 0 && sel && podsMatchingSelector(nsOf(w), sel).length > 0) continue;
      const p = templatePod(w);
      if (!p) continue;
      templateOwner.set(p, w);
      templates.push(p);
    }
    for (const p of templates) addPod(p);
    selectorCache.clear();
  }

  // ---- ingress classes --------------------------------------------------------------------
  const ingressClasses = new Map<string, V1IngressClass>();
  for (const c of snapshot.ingressClasses) if (c.metadata?.name) ingressClasses.set(c.metadata.name, c);
  const defaults = snapshot.ingressClasses.filter(
    (c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
  );
  // Several defaults: the API server then refuses class-less Ingresses, so we do not guess one.
  const defaultClass = defaults.length === 1 ? defaults[0].metadata?.name : undefined;

  function ingressClassOf(ing: V1Ingress): ClassInfo {
    const spec = ing.spec?.ingressClassName;
    if (typeof spec === 'string' && spec) return { className: spec, classSource: 'spec' };
    const ann = ing.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
    if (ann) return { className: ann, classSource: 'annotation' };
    if (defaultClass) return { className: defaultClass, classSource: 'default' };
    return {};
  }

  // ---- gateways ---------------------------------------------------------------------------
  const gateways = new NsIndex<Gateway>();
  for (const g of snapshot.gateways) gateways.set(nsOf(g), g.metadata?.name, g);

  const ROUTE_PROTOCOLS: Record<'HTTPRoute' | 'GRPCRoute', string[]> = {
    HTTPRoute: ['HTTP', 'HTTPS'],
    GRPCRoute: ['HTTP', 'HTTPS'],
  };

  function listenerAllows(l: GatewayListener, gw: Gateway, routeNs: string): boolean {
    const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
    if (from === 'All' || from === 'Selector') return true; // Selector: namespace labels are not always read
    return nsOf(gw) === routeNs;
  }

  /** Intersection of a route hostname and a listener hostname (Gateway API rules), or undefined for none. */
  function intersectHost(
    routeHost: string | undefined,
    listenerHost: string | undefined,
  ): string | undefined | null {
    if (!listenerHost) return routeHost;
    if (!routeHost) return listenerHost;
    const r = routeHost.toLowerCase();
    const l = listenerHost.toLowerCase();
    if (r === l) return r;
    if (l.startsWith('*.') && hostMatches(l, r.startsWith('*.') ? r.slice(2) : r, true)) return r;
    if (r.startsWith('*.') && hostMatches(r, l.startsWith('*.') ? l.slice(2) : l, true)) return l;
    return null;
  }

  function attachments(
    kind: 'HTTPRoute' | 'GRPCRoute',
    routeNs: string,
    parentRefs: ParentRef[],
  ): GatewayAttachment[] {
    const out: GatewayAttachment[] = [];
    for (const pr of parentRefs) {
      if (!pr || typeof pr.name !== 'string') continue;
      if ((pr.kind ?? 'Gateway') !== 'Gateway' || (pr.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP) continue;
      const ns = pr.namespace ?? routeNs;
      const gw = gateways.get(ns, pr.name);
      const className = gw?.spec?.gatewayClassName;
      const listeners = gw
        ? arr<GatewayListener>(gw.spec?.listeners).filter(
            (l) =>
              (pr.sectionName === undefined || l.name === pr.sectionName) &&
              (pr.port === undefined || l.port === pr.port) &&
              ROUTE_PROTOCOLS[kind].includes(String(l.protocol).toUpperCase()) &&
              listenerAllows(l, gw, routeNs),
          )
        : [];
      out.push({
        namespace: ns,
        name: pr.name,
        sectionName: pr.sectionName,
        gateway: gw,
        listeners,
        className,
      });
    }
    return out;
  }

  /** Effective hostnames of a Gateway API route; attached=false when Gateways exist but none accepts it. */
  function gatewayHosts(
    routeHosts: string[],
    atts: GatewayAttachment[],
  ): { hosts: (string | undefined)[]; attached: boolean | undefined } {
    const found = atts.filter((a) => a.gateway);
    const own = routeHosts.length > 0 ? routeHosts.map((h) => h.toLowerCase()) : [undefined];
    if (found.length === 0) return { hosts: own, attached: atts.length > 0 ? false : undefined };
    const hosts = new Set<string | undefined>();
    for (const a of found) {
      for (const l of a.listeners) {
        for (const rh of own) {
          const h = intersectHost(rh, l.hostname);
          if (h !== null) hosts.add(h);
        }
      }
    }
    if (hosts.size === 0) return { hosts: own, attached: false };
    return { hosts: [...hosts], attached: true };
  }

  // ---- routes -----------------------------------------------------------------------------
  const routes: Route[] = [];
  // kind → namespace → name: lookups hash the strings the objects hold, no key string per call.
  const routesByObject = new Map<string, NsIndex<Route[]>>();
  function addRoute(r: Route): void {
    routes.push(r);
    let byKind = routesByObject.get(r.source.kind);
    if (!byKind) {
      byKind = new NsIndex();
      routesByObject.set(r.source.kind, byKind);
    }
    const l = byKind.get(r.namespace, r.ref.name);
    if (l) l.push(r);
    else byKind.set(r.namespace, r.ref.name, [r]);
  }

  function ingressBackend(ns: string, b: V1IngressBackend | undefined): RouteBackend[] {
    const svc = b?.service;
    if (!svc || typeof svc.name !== 'string') return []; // resource backends are not Services
    const port = svc.port?.number ?? svc.port?.name;
    return [{ namespace: ns, serviceName: svc.name, port: port === undefined ? undefined : port }];
  }

  const PATH_TYPES = new Set(['Exact', 'Prefix', 'ImplementationSpecific']);
  for (const ing of snapshot.ingresses) {
    const ns = nsOf(ing);
    const name = ing.metadata?.name ?? '';
    const ref = objRef('Ingress', ing);
    const cls = ingressClassOf(ing);
    const annotations = isStringMap(ing.metadata?.annotations) ? ing.metadata.annotations : {};
    const source = { kind: 'Ingress' as const, obj: ing };
    // Routes are built as plain literals, not `{ ...base, … }`: a spread per route is several times slower at
    // 10,000 routes, and literals give every Route the same hidden class. className/classSource are only
    // present when known, as before.
    const ingressRoute = (
      fields: Pick<Route, 'id' | 'host' | 'path' | 'pathType' | 'isDefaultBackend' | 'backends'>,
      ruleIndex?: number,
      matchIndex?: number,
    ): Route => {
      const r: Route =
        cls.className !== undefined
          ? {
              source,
              ref,
              namespace: ns,
              annotations,
              className: cls.className,
              classSource: cls.classSource,
              id: fields.id,
              host: fields.host,
              path: fields.path,
              pathType: fields.pathType,
              isDefaultBackend: fields.isDefaultBackend,
              backends: fields.backends,
            }
          : {
              source,
              ref,
              namespace: ns,
              annotations,
              id: fields.id,
              host: fields.host,
              path: fields.path,
              pathType: fields.pathType,
              isDefaultBackend: fields.isDefaultBackend,
              backends: fields.backends,
            };
      if (ruleIndex !== undefined) {
        r.ruleIndex = ruleIndex;
        r.matchIndex = matchIndex;
      }
      return r;
    };
    arr<NonNullable<NonNullable<V1Ingress['spec']>['rules']>[number]>(ing.spec?.rules).forEach((rule, i) => {
      if (!rule || typeof rule !== 'object') return;
      const host = typeof rule.host === 'string' && rule.host ? rule.host.toLowerCase() : undefined;
      arr<NonNullable<NonNullable<typeof rule.http>['paths']>[number]>(rule.http?.paths).forEach((p, j) => {
        if (!p || typeof p !== 'object') return;
        const pathType = (
          PATH_TYPES.has(p.pathType) ? p.pathType : 'ImplementationSpecific'
        ) as PathMatchType;
        addRoute(
          ingressRoute(
            {
              id: `Ingress/${ns}/${name}#${i}.${j}`,
              host,
              path: typeof p.path === 'string' && p.path ? p.path : '/',
              pathType,
              isDefaultBackend: false,
              backends: ingressBackend(ns, p.backend),
            },
            i,
            j,
          ),
        );
      });
    });
    if (ing.spec?.defaultBackend) {
      addRoute(
        ingressRoute({
          id: `Ingress/${ns}/${name}#default`,
          host: undefined,
          path: '/',
          pathType: 'Prefix',
          isDefaultBackend: true,
          backends: ingressBackend(ns, ing.spec.defaultBackend),
        }),
      );
    }
  }

  function routeBackends(ns: string, refs: BackendRef[] | undefined): RouteBackend[] {
    const out: RouteBackend[] = [];
    for (const b of arr<BackendRef>(refs)) {
      if (!b || typeof b.name !== 'string') continue;
      if ((b.kind ?? 'Service') !== 'Service' || (b.group ?? '') !== '') continue;
      out.push({ namespace: b.namespace ?? ns, serviceName: b.name, port: b.port, weight: b.weight ?? 1 });
    }
    return out;
  }

  function addGatewayRoutes(
    kind: 'HTTPRoute' | 'GRPCRoute',
    obj: HTTPRoute | GRPCRoute,
    matchesOf: (rule: unknown) => { path: string; pathType: PathMatchType }[],
  ): void {
    const ns = nsOf(obj);
    const name = obj.metadata?.name ?? '';
    const ref = objRef(kind, obj);
    const atts = attachments(kind, ns, arr<ParentRef>(obj.spec?.parentRefs));
    const { hosts, attached } = gatewayHosts(
      arr<string>(obj.spec?.hostnames).filter((h) => typeof h === 'string'),
      atts,
    );
    const className = atts.find((a) => a.className)?.className;
    const annotations = isStringMap(obj.metadata?.annotations) ? obj.metadata.annotations : {};
    const source = (kind === 'HTTPRoute' ? { kind, obj } : { kind, obj }) as Route['source'];
    arr<{ backendRefs?: BackendRef[] }>(obj.spec?.rules).forEach((rule, i) => {
      if (!rule || typeof rule !== 'object') return;
      const backends = routeBackends(ns, rule.backendRefs);
      matchesOf(rule).forEach((m, j) => {
        for (const host of hosts) {
          addRoute({
            id: `${kind}/${ns}/${name}#${i}.${j}${hosts.length > 1 ? `@${host ?? '*'}` : ''}`,
            source,
            ref,
            namespace: ns,
            host,
            path: m.path,
            pathType: m.pathType,
            isDefaultBackend: false,
            className,
            annotations,
            backends,
            ruleIndex: i,
            matchIndex: j,
            gateways: atts,
            attached,
          });
        }
      });
    });
  }

  const HTTP_PATH_TYPES: Record<string, PathMatchType> = {
    Exact: 'Exact',
    PathPrefix: 'Prefix',
    RegularExpression: 'RegularExpression',
  };
  for (const hr of snapshot.httpRoutes) {
    addGatewayRoutes('HTTPRoute', hr, (rule) => {
      const matches = arr<{ path?: { type?: string; value?: string } }>(
        (rule as { matches?: unknown }).matches,
      );
      if (matches.length === 0) return [{ path: '/', pathType: 'Prefix' }];
      return matches.map((m) => ({
        path: typeof m?.path?.value === 'string' ? m.path.value : '/',
        pathType: HTTP_PATH_TYPES[m?.path?.type ?? 'PathPrefix'] ?? 'Prefix',
      }));
    });
  }
  for (const gr of snapshot.grpcRoutes) {
    addGatewayRoutes('GRPCRoute', gr, (rule) => {
      const matches = arr<{ method?: { service?: string; method?: string } }>(
        (rule as { matches?: unknown }).matches,
      );
      if (matches.length === 0) return [{ path: '/', pathType: 'Prefix' }];
      return matches.map((m) => {
        const svc = m?.method?.service;
        const method = m?.method?.method;
        if (svc && method) return { path: `/${svc}/${method}`, pathType: 'Exact' as const };
        if (svc) return { path: `/${svc}`, pathType: 'Prefix' as const };
        return { path: '/', pathType: 'Prefix' as const };
      });
    });
  }

  // Host index: exact hosts, wildcard suffixes, and host-less rules.
  const byHost = new Map<string, Route[]>();
  const byWildcard = new Map<string, Route[]>(); // "foo.com" for "*.foo.com"
  const anyHost: Route[] = [];
  const defaultBackends: Route[] = [];
  for (const r of routes) {
    if (r.isDefaultBackend) defaultBackends.push(r);
    if (r.host === undefined) {
      if (!r.isDefaultBackend) anyHost.push(r);
      continue;
    }
    const idx = r.host.startsWith('*.') ? byWildcard : byHost;
    const k = r.host.startsWith('*.') ? r.host.slice(2) : r.host;
    const l = idx.get(k);
    if (l) l.push(r);
    else idx.set(k, [r]);
  }

  function rank(
    candidates: Route[],
    path: string,
    hostMatch: RouteMatch['hostMatch'],
    host: string,
  ): RouteMatch[] {
    const scored: { r: Route; s: number }[] = [];
    for (const r of candidates) {
      if (r.host !== undefined && !hostMatches(r.host, host, r.source.kind !== 'Ingress')) continue;
      const s = pathMatchScore(r.pathType, r.path, path);
      if (s >= 0) scored.push({ r, s });
    }
    // Best path first; ties: the oldest object wins (ingress-nginx and Gateway API), then namespace/name.
    scored.sort(
      (a, b) =>
        b.s - a.s ||
        createdAt(a.r.source.obj) - createdAt(b.r.source.obj) ||
        (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0),
    );
    return scored.map(({ r }) => ({ route: r, hostMatch }));
  }

  function candidates(rawHost: string, path: string) {
    const host = normalizeHost(rawHost);
    const tiers: { routes: Route[]; hostMatch: RouteMatch['hostMatch'] }[] = [];
    const exact = byHost.get(host);
    if (exact) tiers.push({ routes: exact, hostMatch: 'exact' });
    // Most specific wildcard first: "a.b.foo.com" tries "*.b.foo.com", then "*.foo.com" (Gateway API only).
    let dot = host.indexOf('.');
    while (dot >= 0) {
      const w = byWildcard
        .get(host.slice(dot + 1))
        ?.filter((r) => hostMatches(r.host, host, r.source.kind !== 'Ingress'));
      if (w && w.length > 0) tiers.push({ routes: w, hostMatch: 'wildcard' });
      dot = host.indexOf('.', dot + 1);
    }
    if (anyHost.length > 0) tiers.push({ routes: anyHost, hostMatch: 'any' });
    const out: RouteMatch[] = [];
    for (const t of tiers) out.push(...rank(t.routes, path, t.hostMatch, host));
    out.push(...rank(defaultBackends, path, 'any', host));
    return { tiers, host, all: out };
  }

  /**
   * A controller picks the most specific host that has any rules (its server block / virtual host) and
   * does not fall back to a wildcard or host-less rule when no path of that host matches: it then serves
   * the default backend.
   */
  function resolve(rawHost: string, path: string): RouteMatch | undefined {
    const { tiers, host } = candidates(rawHost, path);
    const tier = tiers[0];
    if (tier) {
      const best = rank(tier.routes, path, tier.hostMatch, host)[0];
      if (best) return best;
    }
    return rank(defaultBackends, path, 'any', host)[0];
  }

  // ---- backends ---------------------------------------------------------------------------
  function findServicePort(svc: V1Service, port: number | string | undefined): V1ServicePort | undefined {
    const ports = arr<V1ServicePort>(svc.spec?.ports);
    if (port === undefined) return ports.length === 1 ? ports[0] : undefined;
    if (typeof port === 'number' || /^\d+$/.test(port)) return ports.find((p) => p.port === Number(port));
    return ports.find((p) => p.name === port);
  }

  function addressesFor(ns: string, svcName: string, servicePort: V1ServicePort | undefined) {
    const slices = slicesByService.get(ns, svcName) ?? [];
    const ep = endpoints.get(ns, svcName);
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
          for (const a of arr<{
            ip: string;
            nodeName?: string;
            targetRef?: { kind?: string; name?: string };
          }>(list)) {
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

  // Resolutions are shared per Service and Service port: "port: 80" and "port: http" on two routes are one
  // computation. Checks ask again and again for the same route backends: those are answered by identity.
  // Keyed by the Service object, then by Service port number (":" + the port as written when none matched);
  // backends to missing Services by "ns/name:port".
  const coreByService = new Map<V1Service, Map<number | string, ResolutionCore>>();
  const coreMissing = new Map<string, ResolutionCore>();
  const byBackend = new Map<RouteBackend, BackendResolution>();
  function resolveBackend(backend: RouteBackend): BackendResolution {
    const known = byBackend.get(backend);
    if (known) return known;
    const res = new Resolution(backend, resolveServicePort(backend));
    byBackend.set(backend, res);
    return res;
  }

  function resolveServicePort(backend: RouteBackend): ResolutionCore {
    const svc = services.get(backend.namespace, backend.serviceName);
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
    if (!isStringMap(selector) || Object.keys(selector).length === 0) {
      res.problem ??= 'no-selector';
    } else {
      res.pods = podsMatching(backend.namespace, selector);
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
    const { slices, ep, addresses } = addressesFor(backend.namespace, backend.serviceName, servicePort);
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
      const node = nodes.get(n);
      if (node) resolvedNodes.push(node);
    }
    return { targetPorts, endpointSlices: slices, endpoints: ep, addresses, nodes: resolvedNodes };
  }

  // ---- controllers ------------------------------------------------------------------------
  let controllers: ControllerInfo[] | undefined;
  function findControllers(): ControllerInfo[] {
    const out: ControllerInfo[] = [];
    for (const svc of snapshot.services) {
      const type = svc.spec?.type;
      if (type !== 'LoadBalancer' && type !== 'NodePort') continue;
      const selector = svc.spec?.selector;
      const svcPods =
        isStringMap(selector) && Object.keys(selector).length > 0 ? podsMatching(nsOf(svc), selector) : [];
      const sig = controllerSignals(svc, svcPods);
      if (!isController(sig)) continue;
      const classes = new Set<string>();
      for (const c of snapshot.ingressClasses) {
        const ctl = c.spec?.controller;
        if (!ctl || !c.metadata?.name) continue;
        if (sig.controllerClassArgs.includes(ctl) || familyImplementsIngressController(sig.family, ctl)) {
          classes.add(c.metadata.name);
        }
      }
      for (const c of sig.ingressClassArgs) classes.add(c);
      for (const gc of snapshot.gatewayClasses) {
        const name = gc.metadata?.name;
        if (
          name &&
          typeof gc.spec?.controllerName === 'string' &&
          familyImplementsGatewayController(sig.family, gc.spec.controllerName)
        ) {
          classes.add(name);
        }
      }
      for (const g of sig.gateways) {
        const slash = g.indexOf('/');
        const cls = gateways.get(g.slice(0, slash), g.slice(slash + 1))?.spec?.gatewayClassName;
        if (cls) classes.add(cls);
      }
      const lb = arr<{ ip?: string; hostname?: string }>(svc.status?.loadBalancer?.ingress)[0];
      out.push({
        service: svc,
        pods: svcPods,
        classes: [...classes].sort(),
        loadBalancerAddress: lb?.ip ?? lb?.hostname,
        nodePorts: arr<V1ServicePort>(svc.spec?.ports).map((p) => ({
          name: p.name,
          port: p.port,
          nodePort: p.nodePort,
          protocol: p.protocol,
        })),
        family: sig.family,
        gateways: sig.gateways,
        evidence: sig.evidence,
      });
    }
    return out;
  }

  // Per route: checks ask for every route, several times each.
  const controllersByRoute = new Map<Route, ControllerInfo[]>();
  function controllersFor(route?: Route): ControllerInfo[] {
    controllers ??= findControllers();
    if (!route) return controllers;
    let found = controllersByRoute.get(route);
    if (!found) {
      found = controllersForRoute(controllers, route);
      controllersByRoute.set(route, found);
    }
    return found;
  }

  function controllersForRoute(controllers: ControllerInfo[], route: Route): ControllerInfo[] {
    if (route.gateways && route.gateways.length > 0) {
      const gwKeys = new Set(route.gateways.map((g) => key(g.namespace, g.name)));
      const byGateway = controllers.filter((c) => c.gateways?.some((g) => gwKeys.has(g)));
      if (byGateway.length > 0) return byGateway;
      const classes = new Set(route.gateways.map((g) => g.className).filter((c): c is string => !!c));
      return controllers.filter((c) => c.classes.some((x) => classes.has(x)));
    }
    if (route.className) {
      const byClass = controllers.filter((c) => c.classes.includes(route.className as string));
      if (byClass.length > 0) return byClass;
    }
    // Class unknown to every controller (or none): the controllers we could not tie to a class.
    return controllers.filter((c) => c.classes.length === 0);
  }

  // ---- workloads --------------------------------------------------------------------------
  function workloadOf(pod: V1Pod): Workload | undefined {
    const t = templateOwner.get(pod);
    if (t) return t;
    const ns = nsOf(pod);
    const owner = arr<{ kind?: string; name?: string; controller?: boolean }>(
      pod.metadata?.ownerReferences,
    ).find((o) => o.controller !== false);
    if (!owner?.kind) return undefined;
    const w = workloads.get(owner.kind)?.get(ns, owner.name);
    if (w?.kind === 'ReplicaSet') {
      const dep = arr<{ kind?: string; name?: string }>(w.metadata?.ownerReferences).find(
        (o) => o.kind === 'Deployment',
      );
      if (dep) return workloads.get('Deployment')?.get(ns, dep.name) ?? w;
    }
    if (w === undefined && owner.kind === 'ReplicaSet')
      return deploymentOfMissingReplicaSet(pod, ns, owner.name);
    return w;
  }

  /**
   * A dump of Deployments and pods without their ReplicaSets (`kubectl get deploy,pods`): the Deployment names
   * its ReplicaSets "<deployment>-<pod-template-hash>" and labels their pods with that hash, so the Deployment of
   * that name whose selector matches the pod is the owner.
   */
  function deploymentOfMissingReplicaSet(
    pod: V1Pod,
    ns: string,
    rsName: string | undefined,
  ): Workload | undefined {
    const hash = pod.metadata?.labels?.['pod-template-hash'];
    if (!hash || !rsName || !rsName.endsWith(`-${hash}`)) return undefined;
    const dep = workloads.get('Deployment')?.get(ns, rsName.slice(0, -(hash.length + 1)));
    return dep && labelSelectorMatches(dep.spec?.selector, pod.metadata?.labels) ? dep : undefined;
  }

  // Reverse index pod → Services, built lazily (only some checks need it).
  let servicesByPod: Map<V1Pod, V1Service[]> | undefined;
  function servicesForPod(pod: V1Pod): V1Service[] {
    if (!servicesByPod) {
      servicesByPod = new Map();
      for (const svc of snapshot.services) {
        const sel = svc.spec?.selector;
        if (!isStringMap(sel) || Object.keys(sel).length === 0) continue;
        for (const p of podsMatching(nsOf(svc), sel)) {
          const l = servicesByPod.get(p);
          if (l) l.push(svc);
          else servicesByPod.set(p, [svc]);
        }
      }
    }
    return servicesByPod.get(pod) ?? [];
  }

  // ---- refs -------------------------------------------------------------------------------
  function objRef(kind: string, obj: { metadata?: { name?: string; namespace?: string } }): ObjectRef {
    const owner = templateOwner.get(obj as V1Pod);
    if (owner) return objRef(owner.kind, owner);
    const origin = snapshot.origins.get(obj);
    const ref: ObjectRef = { kind, name: obj.metadata?.name ?? '' };
    if (obj.metadata?.namespace !== undefined) ref.namespace = obj.metadata.namespace;
    if (origin) {
      ref.file = origin.file;
      ref.line = origin.line;
    }
    return ref;
  }

  return {
    snapshot,
    routes,
    resolve,
    matches: (host, path) => candidates(host, path).all,
    routesOf: (kind, namespace, name) => routesByObject.get(kind)?.get(namespace, name) ?? [],
    resolveBackend,
    service: (namespace, name) => services.get(namespace, name),
    podsMatching: (namespace, selector) => podsMatching(namespace, selector),
    podsMatchingSelector,
    node: (name) => nodes.get(name),
    namespace: (name) => namespaces.get(name),
    controllersFor,
    ref: objRef,
    workloadOf,
    isTemplatePod: (pod) => templateOwner.has(pod),
    podsIn: (namespace) => (namespace === undefined ? pods : (podsByNs.get(namespace) ?? [])),
    servicesForPod,
  };
}
