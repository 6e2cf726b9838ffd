/** The resources the lab API serves: one table drives discovery, routing, storage and printing. */
export interface ResourceInfo {
  group: string; // '' for the core group
  version: string;
  resource: string; // plural, as in the URL
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Pods are writable (create/delete/deletecollection, exec); everything else is read-only. */
  writable: boolean;
  subresources: { name: string; kind: string; verbs: string[] }[];
}

const READ_VERBS = ['get', 'list', 'watch'];
const POD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'watch'];

function r(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[] = [],
  categories: string[] = [],
): ResourceInfo {
  return {
    group,
    version,
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames,
    categories,
    writable: false,
    subresources: [],
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'v1', 'namespaces', 'Namespace', false, ['ns']),
  r('', 'v1', 'nodes', 'Node', false, ['no']),
  {
    ...r('', 'v1', 'pods', 'Pod', true, ['po'], ['all']),
    writable: true,
    subresources: [{ name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] }],
  },
  r('', 'v1', 'services', 'Service', true, ['svc'], ['all']),
  r('', 'v1', 'endpoints', 'Endpoints', true, ['ep']),
  r('', 'v1', 'configmaps', 'ConfigMap', true, ['cm']),
  r('', 'v1', 'events', 'Event', true, ['ev']),
  r('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  r('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['ing']),
  r('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false),
  r('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, ['netpol']),
  r('apps', 'v1', 'deployments', 'Deployment', true, ['deploy'], ['all']),
  r('apps', 'v1', 'statefulsets', 'StatefulSet', true, ['sts'], ['all']),
  r('apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds'], ['all']),
  r('apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs'], ['all']),
  r('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb']),
  r('gateway.networking.k8s.io', 'v1', 'gateways', 'Gateway', true, ['gtw'], ['gateway-api']),
  r('gateway.networking.k8s.io', 'v1', 'gatewayclasses', 'GatewayClass', false, ['gc'], ['gateway-api']),
  r('gateway.networking.k8s.io', 'v1', 'httproutes', 'HTTPRoute', true, [], ['gateway-api']),
  r('gateway.networking.k8s.io', 'v1', 'grpcroutes', 'GRPCRoute', true, [], ['gateway-api']),
  r(
    'gateway.networking.k8s.io',
    'v1alpha3',
    'backendtlspolicies',
    'BackendTLSPolicy',
    true,
    ['btlspolicy'],
    ['gateway-api'],
  ),
  r('cloud.google.com', 'v1', 'backendconfigs', 'BackendConfig', true, ['bc']),
  // Not lab objects: synthesized per node so `kubectl describe node` shows a lease instead of an error.
  r('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
];

export function verbsOf(info: ResourceInfo): string[] {
  return info.writable ? POD_VERBS : READ_VERBS;
}

export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** Store key of a resource: group and plural (versions of one group share the objects). */
export function resourceKey(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

/** `pods` or `ingresses.networking.k8s.io`, as the real API names resources in messages. */
export function qualifiedName(info: ResourceInfo): string {
  return resourceKey(info);
}

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((i) => i.group === group && i.version === version && i.resource === resource);
}

/** Maps an object's apiVersion + kind to the served resource; any version of a served group is accepted. */
export function resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return RESOURCES.find((i) => i.group === group && i.kind === kind);
}

/** Groups in discovery order, each with its served versions (preferred first). */
export function servedGroups(): { group: string; versions: string[] }[] {
  const out: { group: string; versions: string[] }[] = [];
  for (const info of RESOURCES) {
    let g = out.find((x) => x.group === info.group);
    if (!g) {
      g = { group: info.group, versions: [] };
      out.push(g);
    }
    if (!g.versions.includes(info.version)) g.versions.push(info.version);
  }
  return out;
}
