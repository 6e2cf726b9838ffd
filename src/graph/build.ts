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
 *   graph.ref('Service', svc);                        // ObjectRef with file:line for findings
 *
 * The parts, each its own module: indexes.ts (objects by namespace/name, pods by label), owners.ts (workloads,
 * template pods, refs), gateways.ts (parentRefs → listeners, hostnames), routes.ts (flattening and host/path
 * resolution), resolution.ts (backend → Service → pods → endpoints). Which controllers carry a route is the data-plane
 * model's question (src/dataplane/), built on this graph.
 *
 * Template pods: from files, every workload whose selector matches no real pod becomes one synthetic pod
 * made from its pod template (live: only when the snapshot holds no pods at all). `graph.isTemplatePod(pod)`
 * tells them apart and `graph.ref('Pod', templatePod)` points at the workload.
 *
 * Building is O(objects); queries use maps (pods indexed by label key=value, slices by service name), never a
 * scan of all pods. Resolutions are memoised and shared: treat everything the graph returns as read-only.
 */
import type { ClusterSnapshot } from '../cluster/types.js';
import { indexObjects, PodIndex } from './indexes.js';
import { addTemplatePods, objectRefs, workloadResolver } from './owners.js';
import { backendResolver, servicesOfPod } from './resolution.js';
import { buildRoutes, routeResolver } from './routes.js';
import type { RouteGraph } from './types.js';

export { isDigits, SERVICE_NAME_LABEL } from './indexes.js';
export { targetPortOnPod } from './resolution.js';
export { DEFAULT_CLASS_ANNOTATION, INGRESS_CLASS_ANNOTATION, routeLabel } from './routes.js';

export function buildGraph(snapshot: ClusterSnapshot): RouteGraph {
  const idx = indexObjects(snapshot);
  const pods = new PodIndex();
  for (const p of snapshot.pods) pods.add(p);
  const templateOwner = addTemplatePods(snapshot, pods);
  const ref = objectRefs(snapshot, templateOwner);
  const { routes, routesOf } = buildRoutes(snapshot, idx.gateways, ref);
  const resolver = routeResolver(routes);
  return {
    snapshot,
    routes,
    resolve: resolver.resolve,
    matches: resolver.matches,
    routesOf,
    resolveBackend: backendResolver(idx, pods),
    service: (namespace, name) => idx.services.get(namespace, name),
    podsMatching: (namespace, selector) => pods.matching(namespace, selector),
    podsMatchingSelector: (namespace, selector) => pods.matchingSelector(namespace, selector),
    node: (name) => idx.nodes.get(name),
    namespace: (name) => idx.namespaces.get(name),
    gateway: (namespace, name) => idx.gateways.get(namespace, name),
    ref,
    workloadOf: workloadResolver(idx.workloads, templateOwner),
    isTemplatePod: (pod) => templateOwner.has(pod),
    podsIn: (namespace) => (namespace === undefined ? pods.all : pods.inNamespace(namespace)),
    servicesForPod: servicesOfPod(snapshot.services, pods),
  };
}
