import { resourceNamed } from '../api/resources.js';
import type { ObjectStore } from '../api/store.js';
import type { LabObjects } from '../objects.js';

const find = resourceNamed;

/**
 * The store's objects in the typed shape the renderers read (wire format: NetworkPolicy peers under `from`).
 * The arrays share the store's objects: renderers only read them.
 */
export function labObjects(store: ObjectStore): LabObjects {
  const all = <T>(resource: string) => store.list(find(resource)) as unknown as T[];
  return {
    namespaces: all('namespaces'),
    nodes: all('nodes'),
    deployments: all('deployments'),
    replicaSets: all('replicasets'),
    pods: all('pods'),
    services: all('services'),
    endpointSlices: all('endpointslices'),
    endpoints: all('endpoints'),
    ingresses: all('ingresses'),
    ingressClasses: all('ingressclasses'),
    networkPolicies: all('networkpolicies'),
    configMaps: all('configmaps'),
    podDisruptionBudgets: all('poddisruptionbudgets'),
  };
}
