import type { Registry } from '../api/registry.js';
import { RESOURCES, type ResourceInfo, resourceNamed } from '../api/resources.js';
import type { StoreEvent } from '../api/store.js';
import type { Reconciler } from './runtime.js';

const NAMESPACES = resourceNamed('namespaces');
const CONFIGMAPS = resourceNamed('configmaps');
const SERVICEACCOUNTS = resourceNamed('serviceaccounts');
const MANAGER = { manager: 'kube-controller-manager' };

/**
 * kube-controller-manager's namespace-scoped controllers: every namespace gets the `kube-root-ca.crt` ConfigMap
 * (root-ca-cert-publisher) and the `default` ServiceAccount (serviceaccounts-controller), recreated when deleted;
 * a namespace being deleted is emptied, then its `kubernetes` finalizer is removed and it goes (namespace
 * controller).
 */
export function namespaceController(registry: Registry, caCert: string): Reconciler {
  const store = registry.store;
  return {
    name: 'namespace',
    watches: [
      'namespaces',
      'configmaps',
      'serviceaccounts',
      ...RESOURCES.filter((r) => r.namespaced).map(storeKey),
    ],
    keys: (e: StoreEvent) =>
      e.resource === 'namespaces'
        ? [e.object.metadata.name]
        : e.object.metadata.namespace
          ? [e.object.metadata.namespace]
          : [],
    initialKeys: () => store.list(NAMESPACES).map((n) => n.metadata.name),
    async reconcile(name) {
      const ns = store.get(NAMESPACES, undefined, name);
      if (!ns) return;
      if (ns.metadata.deletionTimestamp) {
        let left = 0;
        for (const info of RESOURCES) {
          if (!info.namespaced) continue;
          for (const o of store.list(info, name)) {
            left++;
            if (!o.metadata.deletionTimestamp)
              registry.delete(info, name, o.metadata.name, { propagationPolicy: 'Background' }, MANAGER);
          }
        }
        if (left > 0) return { requeueAfterMs: 500 };
        const spec = (ns.spec ?? {}) as { finalizers?: string[] };
        if ((spec.finalizers ?? []).length) {
          const next = structuredClone(ns);
          (next.spec as { finalizers?: string[] }).finalizers = [];
          registry.update(NAMESPACES, undefined, name, next, MANAGER);
          const again = store.get(NAMESPACES, undefined, name);
          if (again && (again.metadata.finalizers ?? []).length === 0 && again.metadata.deletionTimestamp)
            store.remove(NAMESPACES, undefined, name);
        }
        return;
      }
      if (!store.get(CONFIGMAPS, name, 'kube-root-ca.crt')) {
        registry.create(
          CONFIGMAPS,
          name,
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: {
              name: 'kube-root-ca.crt',
              annotations: {
                'kubernetes.io/description':
                  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
              },
            },
            data: { 'ca.crt': caCert },
          },
          MANAGER,
        );
      }
      if (!store.get(SERVICEACCOUNTS, name, 'default')) {
        registry.create(
          SERVICEACCOUNTS,
          name,
          { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
          MANAGER,
        );
      }
    },
  };
}

function storeKey(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}
