/** Routed backends and Services: every (route, backend) pair with its resolution, computed once per graph. */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { routeLabel } from './routes.js';
import type { BackendResolution, Route, RouteBackend, RouteGraph } from './types.js';

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
