import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { canonical } from '../api/kinds/validation.js';
import type { Registry } from '../api/registry.js';
import { type ResourceInfo, resourceNamed } from '../api/resources.js';
import type { KubeObject } from '../api/store.js';
import { endpointsFor } from '../endpoints.js';
import type { Reconciler } from './runtime.js';
import { splitKey } from './runtime.js';

const find = resourceNamed;
const SERVICES = find('services');
const PODS = find('pods');
const SLICES = find('endpointslices');
const ENDPOINTS = find('endpoints');

/** Writes `desired` when it differs from what is stored (spec-like fields and labels), deletes when undefined. */
function converge(
  registry: Registry,
  info: ResourceInfo,
  namespace: string,
  name: string,
  desired: Record<string, unknown> | undefined,
  manager: string,
): void {
  const current = registry.store.get(info, namespace, name);
  if (!desired) {
    if (current) registry.delete(info, namespace, name, {}, { manager });
    return;
  }
  const body = JSON.parse(JSON.stringify(desired)) as Record<string, unknown> & {
    metadata: Record<string, unknown>;
  };
  delete body.metadata.creationTimestamp;
  if (!current) {
    registry.create(info, namespace, body, { manager });
    return;
  }
  const strip = (o: Record<string, unknown>) => {
    const { metadata, ...rest } = o as { metadata: KubeObject['metadata'] };
    return canonical({ ...rest, labels: metadata.labels, owners: metadata.ownerReferences });
  };
  if (strip(body) === strip(current as never)) return;
  body.metadata = {
    ...current.metadata,
    labels: body.metadata.labels,
    ownerReferences: body.metadata.ownerReferences,
  };
  registry.update(info, namespace, name, body, { manager });
}

/**
 * The endpoint and EndpointSlice controllers (key: a Service): the pods its selector picks, with the port its
 * targetPort resolves to in each pod, ready or not, terminating or not.
 */
export function endpointsController(registry: Registry): Reconciler {
  const store = registry.store;
  return {
    name: 'endpoints',
    watches: ['services', 'pods'],
    keys: (e) =>
      e.resource === 'services'
        ? [`${e.object.metadata.namespace}/${e.object.metadata.name}`]
        : store
            .list(SERVICES, e.object.metadata.namespace)
            .map((s) => `${s.metadata.namespace}/${s.metadata.name}`),
    initialKeys: () => store.list(SERVICES).map((s) => `${s.metadata.namespace}/${s.metadata.name}`),
    async reconcile(key) {
      const { namespace, name } = splitKey(key) as { namespace: string; name: string };
      const svc = store.get(SERVICES, namespace, name);
      const derived = svc
        ? endpointsFor(svc as unknown as V1Service, store.list(PODS, namespace) as unknown as V1Pod[])
        : undefined;
      const sliceName = derived?.slice.metadata?.name;
      // Slices of this Service under another name (the Service was recreated) go.
      for (const s of store.list(SLICES, namespace)) {
        if (s.metadata.labels?.['kubernetes.io/service-name'] === name && s.metadata.name !== sliceName)
          registry.delete(SLICES, namespace, s.metadata.name, {}, { manager: 'endpointslice-controller' });
      }
      if (sliceName) {
        converge(registry, SLICES, namespace, sliceName, derived?.slice as never, 'endpointslice-controller');
      }
      converge(registry, ENDPOINTS, namespace, name, derived?.endpoints as never, 'endpoint-controller');
    },
  };
}
