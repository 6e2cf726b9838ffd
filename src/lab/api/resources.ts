import {
  daemonSetStrategy,
  deploymentStrategy,
  replicaSetStrategy,
  statefulSetStrategy,
} from './kinds/apps.js';
import {
  configMapStrategy,
  eventStrategy,
  namespaceStrategy,
  nodeStrategy,
  plainStrategy,
  secretStrategy,
} from './kinds/core.js';
import {
  backendTLSPolicyStrategy,
  gatewayClassStrategy,
  gatewayStrategy,
  genericCustomStrategy,
  referenceGrantStrategy,
  routeStrategy,
} from './kinds/custom.js';
import {
  endpointSliceStrategy,
  ingressClassStrategy,
  ingressStrategy,
  networkPolicyStrategy,
  pdbStrategy,
} from './kinds/networking.js';
import { podStrategy } from './kinds/pod.js';
import { serviceStrategy } from './kinds/service.js';
import type { KindStrategy } from './kinds/types.js';

/** The resources the lab API serves: one table drives discovery, routing, storage, writes and printing. */
export interface ResourceInfo {
  group: string; // '' for the core group
  version: string;
  resource: string; // plural, as in the URL
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** A custom resource (CRD): no strategic merge patch, list items keep kind/apiVersion. */
  custom: boolean;
  /** Every kind takes writes; synthesized ones (leases of nodes) too, like a real cluster's. */
  strategy: KindStrategy;
  subresources: { name: string; kind: string; verbs: string[] }[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function r(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  strategy: KindStrategy,
  shortNames: string[] = [],
  categories: string[] = [],
): ResourceInfo {
  const custom = group.endsWith('.k8s.io') ? group === 'gateway.networking.k8s.io' : group.includes('.');
  const subresources: ResourceInfo['subresources'] = [];
  if (strategy.statusSubresource)
    subresources.push({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
  if (strategy.scale)
    subresources.push({ name: 'scale', kind: custom ? 'Scale' : 'Scale', verbs: ['get', 'patch', 'update'] });
  return {
    group,
    version,
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames,
    categories,
    custom,
    strategy,
    subresources,
  };
}

const GW = 'gateway.networking.k8s.io';

export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'v1', 'namespaces', 'Namespace', false, namespaceStrategy, ['ns']),
  r('', 'v1', 'nodes', 'Node', false, nodeStrategy, ['no']),
  (() => {
    const pods = r('', 'v1', 'pods', 'Pod', true, podStrategy, ['po'], ['all']);
    pods.subresources.push({ name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] });
    return pods;
  })(),
  r('', 'v1', 'services', 'Service', true, serviceStrategy, ['svc'], ['all']),
  r('', 'v1', 'endpoints', 'Endpoints', true, plainStrategy('subdomain', { allowCreateOnUpdate: true }), [
    'ep',
  ]),
  r('', 'v1', 'configmaps', 'ConfigMap', true, configMapStrategy, ['cm']),
  r('', 'v1', 'secrets', 'Secret', true, secretStrategy),
  r('', 'v1', 'serviceaccounts', 'ServiceAccount', true, plainStrategy(), ['sa']),
  r('', 'v1', 'events', 'Event', true, eventStrategy, ['ev']),
  r('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true, endpointSliceStrategy),
  r('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ingressStrategy, ['ing']),
  r('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false, ingressClassStrategy),
  r('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, networkPolicyStrategy, ['netpol']),
  r('apps', 'v1', 'deployments', 'Deployment', true, deploymentStrategy, ['deploy'], ['all']),
  r('apps', 'v1', 'statefulsets', 'StatefulSet', true, statefulSetStrategy, ['sts'], ['all']),
  r('apps', 'v1', 'daemonsets', 'DaemonSet', true, daemonSetStrategy, ['ds'], ['all']),
  r('apps', 'v1', 'replicasets', 'ReplicaSet', true, replicaSetStrategy, ['rs'], ['all']),
  r('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, pdbStrategy, ['pdb']),
  r(GW, 'v1', 'gateways', 'Gateway', true, gatewayStrategy, ['gtw'], ['gateway-api']),
  r(GW, 'v1', 'gatewayclasses', 'GatewayClass', false, gatewayClassStrategy, ['gc'], ['gateway-api']),
  r(GW, 'v1', 'httproutes', 'HTTPRoute', true, routeStrategy, [], ['gateway-api']),
  r(GW, 'v1', 'grpcroutes', 'GRPCRoute', true, routeStrategy, [], ['gateway-api']),
  r(
    GW,
    'v1beta1',
    'referencegrants',
    'ReferenceGrant',
    true,
    referenceGrantStrategy,
    ['refgrant'],
    ['gateway-api'],
  ),
  r(
    GW,
    'v1',
    'backendtlspolicies',
    'BackendTLSPolicy',
    true,
    backendTLSPolicyStrategy,
    ['btlspolicy'],
    ['gateway-api'],
  ),
  r('cloud.google.com', 'v1', 'backendconfigs', 'BackendConfig', true, genericCustomStrategy, ['bc']),
  // Synthesized per node (the kubelet's heartbeat) so `kubectl describe node` shows a lease.
  r('coordination.k8s.io', 'v1', 'leases', 'Lease', true, plainStrategy()),
];

/** The served resource of a plural name (the lab serves each plural once). */
export function resourceNamed(resource: string): ResourceInfo {
  const info = RESOURCES.find((r) => r.resource === resource);
  if (!info) throw new Error(`the lab API serves no resource "${resource}"`);
  return info;
}

export function verbsOf(_info: ResourceInfo): string[] {
  return ALL_VERBS;
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
