import type { ClusterSnapshot } from './types.js';

/** The snapshot arrays that hold objects (everything but flags, counters and maps). */
export type SnapshotListKey = Exclude<
  keyof ClusterSnapshot,
  'live' | 'unknownKinds' | 'origins' | 'warnings'
>;

/** One kind we read: the API groups it lives in, where it goes in the snapshot, and its scope. */
export interface KindInfo {
  kind: string;
  /** API groups ('' = core). Objects of this kind in another group are a different kind (a CRD). */
  groups: string[];
  /** Versions to try when listing live, newest first (in the first group). */
  versions: string[];
  /** Plural resource name, as in RBAC and API paths. */
  resource: string;
  key: SnapshotListKey;
  namespaced: boolean;
}

const GATEWAY = 'gateway.networking.k8s.io';

export const KINDS: readonly KindInfo[] = [
  {
    kind: 'Namespace',
    groups: [''],
    versions: ['v1'],
    resource: 'namespaces',
    key: 'namespaces',
    namespaced: false,
  },
  { kind: 'Node', groups: [''], versions: ['v1'], resource: 'nodes', key: 'nodes', namespaced: false },
  { kind: 'Pod', groups: [''], versions: ['v1'], resource: 'pods', key: 'pods', namespaced: true },
  {
    kind: 'Service',
    groups: [''],
    versions: ['v1'],
    resource: 'services',
    key: 'services',
    namespaced: true,
  },
  {
    kind: 'Endpoints',
    groups: [''],
    versions: ['v1'],
    resource: 'endpoints',
    key: 'endpoints',
    namespaced: true,
  },
  {
    kind: 'ConfigMap',
    groups: [''],
    versions: ['v1'],
    resource: 'configmaps',
    key: 'configMaps',
    namespaced: true,
  },
  {
    kind: 'Deployment',
    groups: ['apps', 'extensions'],
    versions: ['v1'],
    resource: 'deployments',
    key: 'workloads',
    namespaced: true,
  },
  {
    kind: 'StatefulSet',
    groups: ['apps'],
    versions: ['v1'],
    resource: 'statefulsets',
    key: 'workloads',
    namespaced: true,
  },
  {
    kind: 'DaemonSet',
    groups: ['apps', 'extensions'],
    versions: ['v1'],
    resource: 'daemonsets',
    key: 'workloads',
    namespaced: true,
  },
  {
    kind: 'ReplicaSet',
    groups: ['apps', 'extensions'],
    versions: ['v1'],
    resource: 'replicasets',
    key: 'workloads',
    namespaced: true,
  },
  {
    kind: 'EndpointSlice',
    groups: ['discovery.k8s.io'],
    versions: ['v1'],
    resource: 'endpointslices',
    key: 'endpointSlices',
    namespaced: true,
  },
  {
    kind: 'Ingress',
    groups: ['networking.k8s.io', 'extensions'],
    versions: ['v1'],
    resource: 'ingresses',
    key: 'ingresses',
    namespaced: true,
  },
  {
    kind: 'IngressClass',
    groups: ['networking.k8s.io'],
    versions: ['v1'],
    resource: 'ingressclasses',
    key: 'ingressClasses',
    namespaced: false,
  },
  {
    kind: 'NetworkPolicy',
    groups: ['networking.k8s.io', 'extensions'],
    versions: ['v1'],
    resource: 'networkpolicies',
    key: 'networkPolicies',
    namespaced: true,
  },
  {
    kind: 'PodDisruptionBudget',
    groups: ['policy'],
    versions: ['v1'],
    resource: 'poddisruptionbudgets',
    key: 'podDisruptionBudgets',
    namespaced: true,
  },
  {
    kind: 'BackendConfig',
    groups: ['cloud.google.com'],
    versions: ['v1'],
    resource: 'backendconfigs',
    key: 'backendConfigs',
    namespaced: true,
  },
  {
    kind: 'Gateway',
    groups: [GATEWAY],
    versions: ['v1'],
    resource: 'gateways',
    key: 'gateways',
    namespaced: true,
  },
  {
    kind: 'GatewayClass',
    groups: [GATEWAY],
    versions: ['v1'],
    resource: 'gatewayclasses',
    key: 'gatewayClasses',
    namespaced: false,
  },
  {
    kind: 'HTTPRoute',
    groups: [GATEWAY],
    versions: ['v1'],
    resource: 'httproutes',
    key: 'httpRoutes',
    namespaced: true,
  },
  {
    kind: 'GRPCRoute',
    groups: [GATEWAY],
    versions: ['v1'],
    resource: 'grpcroutes',
    key: 'grpcRoutes',
    namespaced: true,
  },
  {
    kind: 'BackendTLSPolicy',
    groups: [GATEWAY],
    versions: ['v1', 'v1alpha3'],
    resource: 'backendtlspolicies',
    key: 'backendTLSPolicies',
    namespaced: true,
  },
];

export const KIND_BY_NAME: ReadonlyMap<string, KindInfo> = new Map(KINDS.map((k) => [k.kind, k]));

export function kindByResource(resource: string): KindInfo | undefined {
  return KINDS.find((k) => k.resource === resource);
}

/** "apps/v1" → "apps"; "v1" → "" (core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
