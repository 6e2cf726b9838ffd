import type { V1ConfigMap, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { configMapFlag } from '../dataplane/families/ingress-nginx.js';
import { routeLabel } from '../graph/build.js';
import type { BackendResolution, Route, RouteBackend, RouteGraph } from '../graph/types.js';

/** "host/path" as findings name a route: the graph's own label, so reports group findings consistently. */
export { routeLabel };

export interface RoutedBackend {
  route: Route;
  backend: RouteBackend;
  resolution: BackendResolution;
}

const backendsCache = new WeakMap<RouteGraph, RoutedBackend[]>();
const servicesCache = new WeakMap<RouteGraph, RoutedService[]>();

/** Every (route, backend) pair with its resolution; computed once per graph (most checks start here). */
export function routedBackends(graph: RouteGraph): RoutedBackend[] {
  const cached = backendsCache.get(graph);
  if (cached) return cached;
  const out: RoutedBackend[] = [];
  for (const route of graph.routes) {
    for (const backend of route.backends)
      out.push({ route, backend, resolution: graph.resolveBackend(backend) });
  }
  backendsCache.set(graph, out);
  return out;
}

/** A Service some route sends traffic to, with every route and port that reaches it. */
export interface RoutedService {
  service: V1Service;
  routes: Route[];
  /** Distinct Service ports routes use (by port number). */
  ports: V1ServicePort[];
  /** One resolution per used port. */
  resolutions: BackendResolution[];
}

export function routedServices(graph: RouteGraph): RoutedService[] {
  const cached = servicesCache.get(graph);
  if (cached) return cached;
  // By the Service object: the graph resolves a namespace/name to one object.
  const byService = new Map<V1Service, RoutedService>();
  for (const { route, resolution } of routedBackends(graph)) {
    const service = resolution.service;
    if (!service || resolution.problem === 'service-not-found') continue;
    let entry = byService.get(service);
    if (!entry) {
      entry = { service, routes: [], ports: [], resolutions: [] };
      byService.set(service, entry);
    }
    if (!entry.routes.includes(route)) entry.routes.push(route);
    const sp = resolution.servicePort;
    if (sp && !entry.ports.some((p) => p.port === sp.port)) {
      entry.ports.push(sp);
      entry.resolutions.push(resolution);
    }
  }
  const out = [...byService.values()];
  servicesCache.set(graph, out);
  return out;
}

/** The data plane that proxies a route, as far as the manifests say; decides which annotations apply. */
export type ProxyFamily = 'ingress-nginx' | 'aws-alb' | 'gke' | 'azure-agic' | 'gateway-api' | 'other';

const familiesByGraph = new WeakMap<RouteGraph, Map<Route, ProxyFamily>>();

export function proxyFamily(graph: RouteGraph, route: Route): ProxyFamily {
  let families = familiesByGraph.get(graph);
  if (!families) {
    families = new Map();
    familiesByGraph.set(graph, families);
  }
  let family = families.get(route);
  if (!family) {
    family = findProxyFamily(graph, route);
    families.set(route, family);
  }
  return family;
}

function findProxyFamily(graph: RouteGraph, route: Route): ProxyFamily {
  if (route.source.kind !== 'Ingress') return 'gateway-api';
  const cls = (route.className ?? '').toLowerCase();
  const keys = Object.keys(route.annotations);
  if (cls === 'alb' || keys.some((k) => k.startsWith('alb.ingress.kubernetes.io/'))) return 'aws-alb';
  if (cls.startsWith('gce')) return 'gke';
  if (cls.includes('application-gateway') || keys.some((k) => k.startsWith('appgw.ingress.kubernetes.io/'))) {
    return 'azure-agic';
  }
  if (cls.includes('nginx') || keys.some((k) => k.startsWith('nginx.ingress.kubernetes.io/')))
    return 'ingress-nginx';
  const family = graph.controllersFor(route)[0]?.family;
  if (family === 'ingress-nginx') return 'ingress-nginx';
  return 'other';
}

const NGINX_CONFIGMAP_NAMES = new Set([
  'ingress-nginx-controller',
  'nginx-configuration',
  'nginx-ingress-controller',
  'rke2-ingress-nginx-controller',
]);

/**
 * The ingress-nginx controller ConfigMap: the one named by the controller's `--configmap=NS/NAME` argument when
 * the controller pods are known, else one with a well-known name. undefined: not in the snapshot (defaults apply).
 */
const configMapCache = new WeakMap<RouteGraph, Map<string, V1ConfigMap | undefined>>();

export function nginxConfigMap(graph: RouteGraph, route?: Route): V1ConfigMap | undefined {
  // Memoised per graph and class: thousands of routes share a handful of controllers.
  let cache = configMapCache.get(graph);
  if (!cache) {
    cache = new Map();
    configMapCache.set(graph, cache);
  }
  const key = route ? `${route.source.kind}|${route.className ?? ''}` : '';
  if (cache.has(key)) return cache.get(key);
  const found = findNginxConfigMap(graph, route);
  cache.set(key, found);
  return found;
}

function findNginxConfigMap(graph: RouteGraph, route?: Route): V1ConfigMap | undefined {
  const maps = graph.snapshot.configMaps;
  const lookup = (ns: string, name: string) =>
    maps.find((cm) => cm.metadata?.namespace === ns && cm.metadata?.name === name);
  for (const controller of graph.controllersFor(route)) {
    for (const pod of controller.pods) {
      const flag = configMapFlag(pod, lookup, !graph.isTemplatePod?.(pod));
      const found = flag ? lookup(flag.namespace, flag.name) : undefined;
      if (found) return found;
    }
  }
  return maps.find((cm) => NGINX_CONFIGMAP_NAMES.has(cm.metadata?.name ?? ''));
}

/** nginx-style durations: "60", "60s", "5m", "500ms" → seconds; undefined when unparseable. */
export function parseNginxSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n;
}
