/**
 * LiveSource: a ClusterSnapshot from the API server, for audit. Lists only the kinds the checks read,
 * in one namespace or all, with selectors where they narrow the read, page by page (500 objects a request,
 * like kubectl); each page is reduced at once to what the checks read (reduce.ts), so memory grows with the
 * objects kept, not with what the server sends. A 403 does not stop it: the kind is skipped and a warning
 * names the missing permission.
 */
import { CNI_CONFIG_MAPS } from '../mtu/cni.js';
import type { Kube, ListOptions, Resource, ResourceTypes } from './kube.js';
import { addObject } from './parse.js';
import { reduceObject } from './reduce.js';
import {
  type ClusterSnapshot,
  type ClusterSource,
  emptySnapshot,
  type ReadScope,
  type ReadStatus,
} from './types.js';

export interface LiveSourceOptions {
  /** Called as pages arrive: objects read so far and lists not finished. */
  onProgress?: (status: ReadStatus) => void;
}

interface Plan {
  resource: Resource;
  options?: Omit<ListOptions, 'namespace'>;
  /** List across all namespaces even in single-namespace mode. */
  allNamespaces?: boolean;
  /** Override the namespace. */
  namespace?: string;
  /** Read this one object by name (a GET) instead of listing. */
  name?: string;
}

/** Reads in flight at once: enough to hide latency, few enough to be kind to the API server. */
const CONCURRENCY = 6;

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}

export class LiveSource implements ClusterSource {
  constructor(
    readonly kube: Kube,
    private readonly options: LiveSourceOptions = {},
  ) {}

  describe(): string {
    return `context ${this.kube.context} (${this.kube.server})`;
  }

  /** What audit reads, in order. Exported as a method so tests and docs can show it. */
  plan(scope: ReadScope): Plan[] {
    const one = !scope.allNamespaces;
    return [
      { resource: 'namespaces' },
      { resource: 'nodes' },
      // Finished pods have no endpoints and only add volume.
      { resource: 'pods', options: { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' } },
      { resource: 'services' },
      // Controller Services often live in their own namespace: read LoadBalancer/NodePort candidates everywhere.
      ...(one ? [{ resource: 'services' as const, allNamespaces: true }] : []),
      { resource: 'endpointslices' },
      { resource: 'deployments' },
      { resource: 'statefulsets' },
      { resource: 'daemonsets' },
      { resource: 'replicasets' },
      { resource: 'ingresses' },
      { resource: 'ingressclasses' },
      { resource: 'networkpolicies' },
      { resource: 'poddisruptionbudgets' },
      // Controller configs (ingress-nginx labels its ConfigMap like its pods) and CNI configs in kube-system.
      {
        resource: 'configmaps',
        options: { labelSelector: 'app.kubernetes.io/component=controller' },
        allNamespaces: true,
      },
      { resource: 'configmaps', namespace: 'kube-system' },
      // CNI configs by name too: Flannel keeps kube-flannel-cfg in its own namespace (kube-flannel), and a user
      // who may not list kube-system ConfigMaps may still get these (the reads overlap; duplicates are dropped).
      ...CNI_CONFIG_MAPS.map((c) => ({
        resource: 'configmaps' as const,
        namespace: c.namespace,
        name: c.name,
      })),
      { resource: 'backendconfigs' },
      { resource: 'gateways' },
      { resource: 'gatewayclasses' },
      { resource: 'httproutes' },
      { resource: 'grpcroutes' },
      { resource: 'backendtlspolicies' },
    ];
  }

  async read(scope: ReadScope): Promise<ClusterSnapshot> {
    const snapshot = emptySnapshot(true);
    const namespace = scope.allNamespaces ? undefined : (scope.namespace ?? this.kube.namespace);
    const results = new Map<number, unknown[]>();
    const plan = this.plan(scope);
    let objects = 0;
    let left = plan.length;
    const progress = () => this.options.onProgress?.({ objects, kindsLeft: left });
    progress();
    await pool(
      plan.map((p, i) => ({ p, i })),
      CONCURRENCY,
      async ({ p, i }) => {
        const kept: unknown[] = [];
        const keep = (item: unknown) => {
          kept.push(reduceObject(item as object));
          objects++;
        };
        if (p.name !== undefined) {
          const obj = await this.kube.get(p.resource, p.namespace ?? namespace, p.name);
          if (obj) keep(obj);
        } else if (p.resource === 'namespaces' && namespace) {
          // One namespace: read just it (a namespaced user may still lack the cluster-wide list).
          const ns = await this.kube.get('namespaces', undefined, namespace);
          if (ns) keep(ns);
        } else {
          // Controller candidates of other namespaces: only LoadBalancer and NodePort Services are kept.
          const wanted =
            p.allNamespaces && p.resource === 'services'
              ? (s: ResourceTypes['services']) =>
                  s.metadata?.namespace !== namespace &&
                  (s.spec?.type === 'LoadBalancer' || s.spec?.type === 'NodePort')
              : undefined;
          await this.kube.list(
            p.resource,
            { ...p.options, namespace: p.namespace ?? (p.allNamespaces ? undefined : namespace) },
            {
              onPage: (items) => {
                for (const item of items) {
                  if (!wanted || wanted(item as ResourceTypes['services'])) keep(item);
                }
                progress();
              },
              onRestart: () => {
                objects -= kept.length;
                kept.length = 0;
              },
            },
          );
        }
        results.set(i, kept);
        left--;
        progress();
      },
    );
    // Sort in plan order so the snapshot does not depend on response timing.
    const seen = new Set<string>();
    plan.forEach((p, i) => {
      for (const item of results.get(i) ?? []) {
        const o = item as { kind?: string; metadata?: { namespace?: string; name?: string; uid?: string } };
        const id = `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
        if (seen.has(id)) continue; // the ConfigMap reads overlap in kube-system
        seen.add(id);
        addObject(snapshot, item, undefined, { reduce: true });
      }
      if (p.resource === 'endpointslices' && (results.get(i) ?? []).length === 0) results.set(-1, []);
    });
    // Endpoints only when EndpointSlices gave nothing (forbidden, or a very old cluster).
    if (
      results.has(-1) &&
      this.kube.warnings.some((w) => w.permission?.resource.startsWith('endpointslices'))
    ) {
      await this.kube.list(
        'endpoints',
        { namespace },
        {
          onPage: (items) => {
            for (const e of items) addObject(snapshot, e, undefined, { reduce: true });
          },
        },
      );
    }
    // Parent Gateways of routes in this namespace may live elsewhere: fetch exactly those.
    if (namespace) {
      const have = new Set(snapshot.gateways.map((g) => `${g.metadata?.namespace}/${g.metadata?.name}`));
      const wanted = new Set<string>();
      for (const r of [...snapshot.httpRoutes, ...snapshot.grpcRoutes]) {
        for (const pr of r.spec?.parentRefs ?? []) {
          if ((pr.kind ?? 'Gateway') !== 'Gateway' || !pr.namespace || pr.namespace === namespace) continue;
          const k = `${pr.namespace}/${pr.name}`;
          if (!have.has(k)) wanted.add(k);
        }
      }
      for (const k of [...wanted].slice(0, 20)) {
        const [ns, name] = k.split('/');
        const g = await this.kube.get('gateways', ns, name);
        if (g) addObject(snapshot, g, undefined, { reduce: true });
      }
    }
    snapshot.warnings.push(...this.kube.warnings);
    return snapshot;
  }
}
