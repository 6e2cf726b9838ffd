import { RESOURCES, type ResourceInfo, servedGroups, verbsOf } from './resources.js';

/** The Kubernetes version the lab API reports; kubectl (and version-dispatching wrappers) read it. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4-ingress-doctor-lab',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function apiGroupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: servedGroups()
      .filter((g) => g.group !== '')
      .map((g) => ({
        name: g.group,
        versions: g.versions.map((v) => ({ groupVersion: groupVersion(g.group, v), version: v })),
        preferredVersion: { groupVersion: groupVersion(g.group, g.versions[0]!), version: g.versions[0]! },
      })),
  };
}

/** APIResourceList for one group/version, or undefined if the lab does not serve it. */
export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const infos = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (infos.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const info of infos) {
    resources.push({
      name: info.resource,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: verbsOf(info),
      ...(info.shortNames.length ? { shortNames: info.shortNames } : {}),
      ...(info.categories.length ? { categories: info.categories } : {}),
    });
    for (const sub of info.subresources) {
      resources.push({
        name: `${info.resource}/${sub.name}`,
        singularName: '',
        namespaced: info.namespaced,
        kind: sub.kind,
        verbs: sub.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}

function discoveryResource(info: ResourceInfo): Record<string, unknown> {
  return {
    resource: info.resource,
    responseKind: { group: info.group, version: info.version, kind: info.kind },
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singular,
    verbs: verbsOf(info),
    ...(info.shortNames.length ? { shortNames: info.shortNames } : {}),
    ...(info.categories.length ? { categories: info.categories } : {}),
    ...(info.subresources.length
      ? {
          subresources: info.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: info.group, version: info.version, kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

/**
 * Aggregated discovery (apidiscovery.k8s.io): one response for /api and one for /apis, which is what
 * kubectl 1.30+ asks for first; it saves a request per group/version.
 */
export function aggregatedDiscovery(legacy: boolean, apiVersion: 'v2' | 'v2beta1'): Record<string, unknown> {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${apiVersion}`,
    metadata: {},
    items: servedGroups()
      .filter((g) => (g.group === '') === legacy)
      .map((g) => ({
        metadata: { name: g.group, creationTimestamp: null },
        versions: g.versions.map((v) => ({
          version: v,
          resources: RESOURCES.filter((r) => r.group === g.group && r.version === v).map(discoveryResource),
          freshness: 'Current',
        })),
      })),
  };
}
