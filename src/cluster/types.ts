import type {
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Endpoints,
  V1Ingress,
  V1IngressClass,
  V1Namespace,
  V1NetworkPolicy,
  V1Node,
  V1ObjectMeta,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';

/** Where an object was read from: a file and the 1-based line its document/item starts on. */
export interface Origin {
  file: string;
  line: number;
}

/** A reference to an object for messages, reports and SARIF. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
  file?: string;
  line?: number;
}

// Gateway API and GKE kinds are not in @kubernetes/client-node: the typed subset we read.
export interface ParentRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}
export interface BackendRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  port?: number;
  weight?: number;
}
export interface HTTPRouteMatch {
  path?: { type?: 'Exact' | 'PathPrefix' | 'RegularExpression'; value?: string };
  headers?: { type?: string; name: string; value: string }[];
  method?: string;
}
export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  backendRefs?: BackendRef[];
  timeouts?: { request?: string; backendRequest?: string };
}
export interface HTTPRoute {
  apiVersion: string;
  kind: 'HTTPRoute';
  metadata: V1ObjectMeta;
  spec: { parentRefs?: ParentRef[]; hostnames?: string[]; rules?: HTTPRouteRule[] };
}
export interface GRPCRoute {
  apiVersion: string;
  kind: 'GRPCRoute';
  metadata: V1ObjectMeta;
  spec: {
    parentRefs?: ParentRef[];
    hostnames?: string[];
    rules?: { matches?: { method?: { service?: string; method?: string } }[]; backendRefs?: BackendRef[] }[];
  };
}
export interface GatewayListener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  tls?: { mode?: string; certificateRefs?: { name: string; namespace?: string }[] };
  allowedRoutes?: { namespaces?: { from?: 'All' | 'Same' | 'Selector' } };
}
export interface Gateway {
  apiVersion: string;
  kind: 'Gateway';
  metadata: V1ObjectMeta;
  spec: { gatewayClassName: string; listeners?: GatewayListener[] };
  status?: { addresses?: { type?: string; value: string }[] };
}
export interface GatewayClass {
  apiVersion: string;
  kind: 'GatewayClass';
  metadata: V1ObjectMeta;
  spec: { controllerName: string };
}
export interface BackendTLSPolicy {
  apiVersion: string;
  kind: 'BackendTLSPolicy';
  metadata: V1ObjectMeta;
  spec: {
    targetRefs?: { group?: string; kind: string; name: string; sectionName?: string }[];
    validation?: { hostname?: string };
  };
}
/** GKE `cloud.google.com/v1` BackendConfig: the health check and the backend service timeout matter to us. */
export interface BackendConfig {
  apiVersion: string;
  kind: 'BackendConfig';
  metadata: V1ObjectMeta;
  spec?: {
    healthCheck?: { requestPath?: string; port?: number; type?: string; checkIntervalSec?: number };
    timeoutSec?: number;
  };
}

export type Workload =
  | (V1Deployment & { kind: 'Deployment' })
  | (V1StatefulSet & { kind: 'StatefulSet' })
  | (V1DaemonSet & { kind: 'DaemonSet' })
  | (V1ReplicaSet & { kind: 'ReplicaSet' });

/** What a parser read from one input: top-level values in order, with where each (and each List item) starts. */
export interface ParsedManifests {
  /** Top-level documents/values, in file order. Lists are NOT unwrapped here (addObject does that). */
  objects: unknown[];
  /** Where each object (and each item of a List) starts. */
  origins: WeakMap<object, Origin>;
  warnings: SourceWarning[];
}

/** Something a source could not read, said to the user rather than hidden. */
export interface SourceWarning {
  /** e.g. "forbidden", "parse-error", "invalid-object", "unknown-api-version". */
  code: string;
  message: string;
  file?: string;
  line?: number;
  /** For 403s: the missing permission. */
  permission?: { verb: string; resource: string; namespace?: string };
}

/** Everything the graph and the checks read, parsed once at the edge. */
export interface ClusterSnapshot {
  /** true when read from a live API server (pods have status, endpoints are real). */
  live: boolean;
  namespaces: V1Namespace[];
  nodes: V1Node[];
  pods: V1Pod[];
  workloads: Workload[];
  services: V1Service[];
  endpoints: V1Endpoints[];
  endpointSlices: V1EndpointSlice[];
  ingresses: V1Ingress[];
  ingressClasses: V1IngressClass[];
  networkPolicies: V1NetworkPolicy[];
  configMaps: V1ConfigMap[];
  podDisruptionBudgets: V1PodDisruptionBudget[];
  backendConfigs: BackendConfig[];
  gateways: Gateway[];
  gatewayClasses: GatewayClass[];
  httpRoutes: HTTPRoute[];
  grpcRoutes: GRPCRoute[];
  backendTLSPolicies: BackendTLSPolicy[];
  /** kind → count of objects of kinds we do not read. */
  unknownKinds: Record<string, number>;
  /** Objects read from files remember where they came from. */
  origins: WeakMap<object, Origin>;
  warnings: SourceWarning[];
}

export function emptySnapshot(live: boolean): ClusterSnapshot {
  return {
    live,
    namespaces: [],
    nodes: [],
    pods: [],
    workloads: [],
    services: [],
    endpoints: [],
    endpointSlices: [],
    ingresses: [],
    ingressClasses: [],
    networkPolicies: [],
    configMaps: [],
    podDisruptionBudgets: [],
    backendConfigs: [],
    gateways: [],
    gatewayClasses: [],
    httpRoutes: [],
    grpcRoutes: [],
    backendTLSPolicies: [],
    unknownKinds: {},
    origins: new WeakMap(),
    warnings: [],
  };
}

/** How far a read has come, for a progress line (files: bytes of the current input; live: kinds left). */
export interface ReadStatus {
  /** The input being read ("<stdin>", a path), for files. */
  input?: string;
  /** Bytes of that input read so far, and its size when known (regular files). */
  bytes?: number;
  size?: number;
  /** Objects read so far (all inputs). */
  objects: number;
  /** Live: lists not finished yet. */
  kindsLeft?: number;
  /** Nothing to read yet, e.g. "waiting for a writer" on a FIFO. */
  waiting?: string;
}

/** Where objects come from: a live cluster or files. One abstraction, two implementations. */
export interface ClusterSource {
  /** Human description for reports, e.g. "context kind-prod" or "3 files". */
  describe(): string;
  read(scope: ReadScope): Promise<ClusterSnapshot>;
}

export interface ReadScope {
  /** undefined with allNamespaces=false means the context's default namespace. */
  namespace?: string;
  allNamespaces: boolean;
}

/** A JSON object (not null, not an array): what a manifest document or List item must be. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
