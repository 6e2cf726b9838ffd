import type {
  V1EndpointSlice,
  V1Endpoints,
  V1Ingress,
  V1LabelSelector,
  V1Namespace,
  V1Node,
  V1Pod,
  V1Service,
  V1ServicePort,
} from '@kubernetes/client-node';
import type {
  ClusterSnapshot,
  Gateway,
  GatewayListener,
  GRPCRoute,
  HTTPRoute,
  ObjectRef,
  Workload,
} from '../cluster/types.js';

/** Ingress pathType, or the HTTPRoute path match type, normalised. */
export type PathMatchType = 'Exact' | 'Prefix' | 'ImplementationSpecific' | 'RegularExpression';

/**
 * One routable rule, flattened: an Ingress rule path (or default backend), or one
 * HTTPRoute/GRPCRoute rule match. Every later question starts from a Route.
 */
export interface Route {
  /** Stable id, e.g. "Ingress/shop/web#0.1" (rule 0, path 1) or "HTTPRoute/shop/web#2.0". */
  id: string;
  source:
    | { kind: 'Ingress'; obj: V1Ingress }
    | { kind: 'HTTPRoute'; obj: HTTPRoute }
    | { kind: 'GRPCRoute'; obj: GRPCRoute };
  ref: ObjectRef;
  namespace: string;
  /** Exact or wildcard ("*.example.com") host; undefined = any host (Ingress rule without host, default backend). */
  host?: string;
  path: string;
  pathType: PathMatchType;
  /** Ingress default backend (spec.defaultBackend). */
  isDefaultBackend: boolean;
  /** Effective class: spec.ingressClassName, the legacy annotation, or the default IngressClass; for routes, the parent Gateways' classes. */
  className?: string;
  /** Annotations of the Ingress (HTTPRoute: the route's). */
  annotations: Record<string, string>;
  backends: RouteBackend[];
  /** Where className came from (Ingress): spec.ingressClassName, the legacy annotation, or the default IngressClass. */
  classSource?: 'spec' | 'annotation' | 'default';
  /** Index of the rule in spec.rules (HTTPRoute/GRPCRoute: spec.rules), and of the path/match inside it. */
  ruleIndex?: number;
  matchIndex?: number;
  /** HTTPRoute/GRPCRoute: the parent Gateways named by parentRefs, found or not, and the listeners that accept it. */
  gateways?: GatewayAttachment[];
  /** HTTPRoute/GRPCRoute: false when parent Gateways exist but no listener accepts the route (hostnames, namespaces). */
  attached?: boolean;
}

/** One parentRef of a route, resolved. */
export interface GatewayAttachment {
  namespace: string;
  name: string;
  sectionName?: string;
  gateway?: Gateway;
  /** Listeners of the Gateway that accept this route (protocol, sectionName/port, allowedRoutes, hostname). */
  listeners: GatewayListener[];
  className?: string;
}

/** A backend a route points at: a Service and port (Ingress backend or HTTPRoute backendRef). */
export interface RouteBackend {
  namespace: string;
  serviceName: string;
  /** Port as written on the route: number or name. */
  port?: number | string;
  weight?: number;
}

/** Result of following a RouteBackend to pods, endpoints and nodes. */
export interface BackendResolution {
  backend: RouteBackend;
  service?: V1Service;
  servicePort?: V1ServicePort;
  /** Why the chain stopped, if it did. */
  problem?: 'service-not-found' | 'service-port-not-found' | 'no-selector' | 'external-name';
  /** Pods the Service selector matches (live pods, or pod templates from workloads when there are none). */
  pods: V1Pod[];
  /** For each pod: the resolved container port number for the Service targetPort (undefined = named port not exposed). */
  targetPorts: Map<V1Pod, number | undefined>;
  endpoints?: V1Endpoints;
  endpointSlices: V1EndpointSlice[];
  /** Endpoint addresses with readiness, from EndpointSlices (preferred) or Endpoints. */
  addresses: EndpointAddress[];
  nodes: V1Node[];
}

export interface EndpointAddress {
  ip: string;
  port?: number;
  ready: boolean;
  nodeName?: string;
  podName?: string;
  /** EndpointSlice conditions, when known. */
  serving?: boolean;
  terminating?: boolean;
}

export interface RouteMatch {
  route: Route;
  /** How the host matched: exact, wildcard, or catch-all (no host on the rule). */
  hostMatch: 'exact' | 'wildcard' | 'any';
}

/** Indexes built once over a snapshot; all queries are sub-linear (maps, no scans of all pods). */
export interface RouteGraph {
  snapshot: ClusterSnapshot;
  routes: Route[];
  /** The route an ingress controller would pick for host+path (longest match, exact before prefix). */
  resolve(host: string, path: string): RouteMatch | undefined;
  /** Routes of one Ingress/HTTPRoute/GRPCRoute. */
  routesOf(kind: 'Ingress' | 'HTTPRoute' | 'GRPCRoute', namespace: string, name: string): Route[];
  /** Follow a backend to Service, port, pods, endpoints, nodes (memoised). */
  resolveBackend(backend: RouteBackend): BackendResolution;
  service(namespace: string, name: string): V1Service | undefined;
  /** Pods matching a label selector in a namespace (indexed by label, not a scan). */
  podsMatching(namespace: string, selector: Record<string, string>): V1Pod[];
  node(name: string): V1Node | undefined;
  /** A Gateway by namespace and name. */
  gateway(namespace: string, name: string): Gateway | undefined;
  /** ObjectRef with file:line when the object came from a file. */
  ref(kind: string, obj: { metadata?: { name?: string; namespace?: string } }): ObjectRef;

  // Extensions (optional so hand-made fakes stay valid; buildGraph implements all of them).
  /** Every route that matches host+path, best first (resolve() returns the first). */
  matches?(host: string, path: string): RouteMatch[];
  /** Pods matching a full LabelSelector (matchLabels + matchExpressions) in a namespace. */
  podsMatchingSelector?(namespace: string, selector: V1LabelSelector | undefined): V1Pod[];
  /** The workload a pod belongs to: the template's owner for template pods, ownerReferences for live pods. */
  workloadOf?(pod: V1Pod): Workload | undefined;
  /** True when the pod was synthesised from a workload's pod template (no live pods). */
  isTemplatePod?(pod: V1Pod): boolean;
  /** Every pod (live, or template pods when there are none) in a namespace, or in all namespaces. */
  podsIn?(namespace?: string): V1Pod[];
  namespace?(name: string): V1Namespace | undefined;
  /** Services whose selector matches the pod (reverse index). */
  servicesForPod?(pod: V1Pod): V1Service[];
}
