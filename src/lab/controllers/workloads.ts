import { createHash } from 'node:crypto';
import { canonical } from '../api/kinds/validation.js';
import type { Registry } from '../api/registry.js';
import { RESOURCES, resourceNamed } from '../api/resources.js';
import type { KubeObject, StoreEvent } from '../api/store.js';
import { selectorMatches } from '../endpoints.js';
import type { Reconciler } from './runtime.js';
import { objectKey, splitKey } from './runtime.js';

const find = resourceNamed;
const PODS = find('pods');
const REPLICASETS = find('replicasets');
const DEPLOYMENTS = find('deployments');
const DAEMONSETS = find('daemonsets');
const NODES = find('nodes');
const KCM = { manager: 'kube-controller-manager' };

type Obj = Record<string, unknown>;

function ownedBy(o: KubeObject, owner: KubeObject): boolean {
  return (o.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid && r.controller);
}

function controllerRef(owner: KubeObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid as string,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Events of owned objects wake their controller owner (by kind). */
function ownerKeys(kind: string) {
  return (e: StoreEvent): string[] => {
    if (e.object.kind === kind) return [objectKey(e)];
    const refs = [
      ...(e.object.metadata.ownerReferences ?? []),
      ...(e.previous?.metadata.ownerReferences ?? []),
    ];
    return refs.filter((r) => r.kind === kind).map((r) => `${e.object.metadata.namespace}/${r.name}`);
  };
}

function podReady(p: KubeObject): boolean {
  const st = (p.status ?? {}) as { conditions?: { type: string; status: string }[] };
  return st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function active(p: KubeObject): boolean {
  const phase = (p.status as { phase?: string } | undefined)?.phase;
  return !p.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

function podFromTemplate(
  owner: KubeObject,
  template: Obj,
  extra: { generateName?: string; name?: string; nodeName?: string },
): Obj {
  const meta = (template.metadata ?? {}) as Obj;
  const spec = structuredClone((template.spec ?? {}) as Obj);
  if (extra.nodeName) spec.nodeName = extra.nodeName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(extra.name ? { name: extra.name } : { generateName: extra.generateName }),
      labels: { ...((meta.labels as Obj) ?? {}) },
      ...(meta.annotations ? { annotations: { ...(meta.annotations as Obj) } } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec,
  };
}

/** The ReplicaSet controller: as many active pods as spec.replicas, status counted from them. */
export function replicaSetController(registry: Registry): Reconciler {
  const store = registry.store;
  return {
    name: 'replicaset',
    watches: ['replicasets.apps', 'pods'],
    keys: ownerKeys('ReplicaSet'),
    initialKeys: () => store.list(REPLICASETS).map((r) => `${r.metadata.namespace}/${r.metadata.name}`),
    async reconcile(key) {
      const { namespace, name } = splitKey(key);
      const rs = store.get(REPLICASETS, namespace, name);
      if (!rs || rs.metadata.deletionTimestamp) return;
      const spec = (rs.spec ?? {}) as { replicas?: number; template?: Obj; selector?: Obj };
      const pods = store.list(PODS, namespace).filter((p) => ownedBy(p, rs));
      const live = pods.filter(active);
      const want = spec.replicas ?? 1;
      if (live.length < want) {
        for (let i = live.length; i < want; i++) {
          registry.create(
            PODS,
            namespace,
            podFromTemplate(rs, spec.template ?? {}, { generateName: `${name}-` }),
            KCM,
          );
        }
      } else if (live.length > want) {
        // Scale down the least useful first: unscheduled, not ready, newest.
        const order = [...live].sort((a, b) => {
          const sa = (a.spec as Obj).nodeName ? 1 : 0;
          const sb = (b.spec as Obj).nodeName ? 1 : 0;
          if (sa !== sb) return sa - sb;
          if (podReady(a) !== podReady(b)) return podReady(a) ? 1 : -1;
          return String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp));
        });
        for (const p of order.slice(0, live.length - want))
          registry.delete(PODS, namespace, p.metadata.name, {}, KCM);
      }
      const now = store.list(PODS, namespace).filter((p) => ownedBy(p, rs) && active(p));
      const ready = now.filter(podReady).length;
      const status = {
        replicas: now.length,
        fullyLabeledReplicas: now.filter((p) => selectorMatches(spec.selector as never, p.metadata.labels))
          .length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: rs.metadata.generation ?? 1,
      };
      const cur = store.get(REPLICASETS, namespace, name);
      if (cur)
        registry.update(REPLICASETS, namespace, name, { ...structuredClone(cur), status }, KCM, 'status');
    },
  };
}

/** Deployment's pod-template-hash: a hash of the template, safe-encoded like apimachinery's rand.SafeEncodeString. */
export function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(canonical(template)).digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...digest.subarray(0, 10)].map((b) => alphabet[b % alphabet.length]).join('');
}

function intOrPercent(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v ?? ''));
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/**
 * The Deployment controller: a ReplicaSet per pod template (named by its hash), rolled by RollingUpdate within
 * maxSurge/maxUnavailable or by Recreate, old ReplicaSets kept up to revisionHistoryLimit, and the status
 * `kubectl rollout status` reads (observedGeneration, updated/ready/available replicas, conditions).
 */
export function deploymentController(registry: Registry): Reconciler {
  const store = registry.store;
  return {
    name: 'deployment',
    watches: ['deployments.apps', 'replicasets.apps'],
    keys: ownerKeys('Deployment'),
    initialKeys: () => store.list(DEPLOYMENTS).map((d) => `${d.metadata.namespace}/${d.metadata.name}`),
    async reconcile(key) {
      const { namespace, name } = splitKey(key);
      const d = store.get(DEPLOYMENTS, namespace, name);
      if (!d || d.metadata.deletionTimestamp) return;
      const spec = (d.spec ?? {}) as {
        replicas?: number;
        template?: Obj;
        selector?: Obj;
        paused?: boolean;
        revisionHistoryLimit?: number;
        strategy?: { type?: string; rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } };
      };
      const want = spec.replicas ?? 1;
      const hash = templateHash(spec.template);
      const owned = store.list(REPLICASETS, namespace).filter((r) => ownedBy(r, d));
      const revisionOf = (r: KubeObject) =>
        Number(r.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
      const maxRevision = Math.max(0, ...owned.map(revisionOf));
      let current = owned.find((r) => r.metadata.labels?.['pod-template-hash'] === hash);
      if (!current) {
        const tmpl = structuredClone(spec.template ?? {}) as Obj;
        const meta = (tmpl.metadata ?? {}) as Obj;
        meta.labels = { ...((meta.labels as Obj) ?? {}), 'pod-template-hash': hash };
        tmpl.metadata = meta;
        const sel = structuredClone(spec.selector ?? {}) as Obj;
        sel.matchLabels = { ...((sel.matchLabels as Obj) ?? {}), 'pod-template-hash': hash };
        const rs = registry.create(
          REPLICASETS,
          namespace,
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            metadata: {
              name: `${name}-${hash}`,
              labels: meta.labels,
              annotations: {
                'deployment.kubernetes.io/desired-replicas': String(want),
                'deployment.kubernetes.io/max-replicas': String(want + 1),
                'deployment.kubernetes.io/revision': String(maxRevision + 1),
              },
              ownerReferences: [controllerRef(d)],
            },
            spec: { replicas: 0, selector: sel, template: tmpl },
          },
          KCM,
        );
        current = rs.object;
      } else if (revisionOf(current) < maxRevision) {
        // A rollback to an older template: that ReplicaSet becomes the newest revision again.
        const next = structuredClone(current);
        next.metadata.annotations = {
          ...next.metadata.annotations,
          'deployment.kubernetes.io/revision': String(maxRevision + 1),
        };
        current = registry.update(REPLICASETS, namespace, current.metadata.name, next, KCM).object;
      }
      const old = owned.filter((r) => r.metadata.uid !== current?.metadata.uid);
      const replicasOf = (r: KubeObject) => Number((r.spec as Obj).replicas ?? 0);
      const availableOf = (r: KubeObject) => Number((r.status as Obj | undefined)?.availableReplicas ?? 0);
      const scale = (r: KubeObject, n: number) => {
        if (replicasOf(r) === n) return;
        const next = structuredClone(store.get(REPLICASETS, namespace, r.metadata.name) ?? r);
        (next.spec as Obj).replicas = n;
        next.metadata.annotations = {
          ...next.metadata.annotations,
          'deployment.kubernetes.io/desired-replicas': String(want),
        };
        registry.update(REPLICASETS, namespace, r.metadata.name, next, KCM);
      };
      if (!spec.paused) {
        if (spec.strategy?.type === 'Recreate') {
          for (const r of old) scale(r, 0);
          const oldPods = store.list(PODS, namespace).filter((p) => old.some((r) => ownedBy(p, r)));
          if (oldPods.length === 0) scale(current, want);
        } else {
          const surge = intOrPercent(spec.strategy?.rollingUpdate?.maxSurge ?? '25%', want, true);
          let unavailable = intOrPercent(spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', want, false);
          if (surge === 0 && unavailable === 0) unavailable = 1;
          const total = replicasOf(current) + old.reduce((n, r) => n + replicasOf(r), 0);
          // Scale the new ReplicaSet up within the surge…
          if (replicasOf(current) < want) {
            const room = Math.max(0, want + surge - total);
            scale(current, Math.min(want, replicasOf(current) + room));
          } else if (replicasOf(current) > want) scale(current, want);
          // …and the old ones down as far as availability allows.
          const fresh = store.get(REPLICASETS, namespace, current.metadata.name) ?? current;
          const available = availableOf(fresh) + old.reduce((n, r) => n + availableOf(r), 0);
          let canRemove = Math.max(0, available - (want - unavailable));
          // Old pods that are not available cost nothing to remove.
          for (const r of old) {
            const notAvailable = Math.max(0, replicasOf(r) - availableOf(r));
            const n = Math.min(replicasOf(r), notAvailable + canRemove);
            canRemove -= Math.max(0, n - notAvailable);
            scale(r, replicasOf(r) - n);
          }
        }
      }
      // Revision history: old ReplicaSets at 0 beyond revisionHistoryLimit go.
      const limit = spec.revisionHistoryLimit ?? 10;
      const idle = old
        .filter((r) => replicasOf(store.get(REPLICASETS, namespace, r.metadata.name) ?? r) === 0)
        .sort((a, b) => revisionOf(a) - revisionOf(b));
      for (const r of idle.slice(0, Math.max(0, idle.length - limit)))
        registry.delete(REPLICASETS, namespace, r.metadata.name, {}, KCM);

      const all = store.list(REPLICASETS, namespace).filter((r) => ownedBy(r, d));
      const newest = store.get(REPLICASETS, namespace, current.metadata.name) ?? current;
      const st = (r: KubeObject, k: string) => Number((r.status as Obj | undefined)?.[k] ?? 0);
      const replicas = all.reduce((n, r) => n + st(r, 'replicas'), 0);
      const ready = all.reduce((n, r) => n + st(r, 'readyReplicas'), 0);
      const available = all.reduce((n, r) => n + st(r, 'availableReplicas'), 0);
      const updated = st(newest, 'replicas');
      const minAvailable =
        want - intOrPercent(spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', want, false);
      const complete = updated === want && replicas === want && available === want;
      const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const prev = ((d.status as Obj | undefined)?.conditions as Obj[] | undefined) ?? [];
      const cond = (type: string, status: string, reason: string, message: string) => {
        const before = prev.find((c) => c.type === type);
        const same = before?.status === status;
        return {
          type,
          status,
          lastUpdateTime: same && before?.reason === reason ? before?.lastUpdateTime : ts,
          lastTransitionTime: same ? before?.lastTransitionTime : ts,
          reason,
          message,
        };
      };
      const status = {
        observedGeneration: d.metadata.generation ?? 1,
        replicas,
        updatedReplicas: updated,
        readyReplicas: ready,
        availableReplicas: available,
        ...(replicas - available > 0 ? { unavailableReplicas: replicas - available } : {}),
        conditions: [
          available >= minAvailable
            ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
            : cond(
                'Available',
                'False',
                'MinimumReplicasUnavailable',
                'Deployment does not have minimum availability.',
              ),
          complete
            ? cond(
                'Progressing',
                'True',
                'NewReplicaSetAvailable',
                `ReplicaSet "${newest.metadata.name}" has successfully progressed.`,
              )
            : cond(
                'Progressing',
                'True',
                'ReplicaSetUpdated',
                `ReplicaSet "${newest.metadata.name}" is progressing.`,
              ),
        ],
      };
      const cur = store.get(DEPLOYMENTS, namespace, name);
      if (!cur) return;
      const next = { ...structuredClone(cur), status };
      const revision = newest.metadata.annotations?.['deployment.kubernetes.io/revision'];
      if (revision && cur.metadata.annotations?.['deployment.kubernetes.io/revision'] !== revision) {
        const withRev = structuredClone(cur);
        withRev.metadata.annotations = {
          ...withRev.metadata.annotations,
          'deployment.kubernetes.io/revision': revision,
        };
        registry.update(DEPLOYMENTS, namespace, name, withRev, KCM);
        const again = store.get(DEPLOYMENTS, namespace, name) as KubeObject;
        registry.update(DEPLOYMENTS, namespace, name, { ...structuredClone(again), status }, KCM, 'status');
        return;
      }
      registry.update(DEPLOYMENTS, namespace, name, next, KCM, 'status');
    },
  };
}

/** The DaemonSet controller: one pod per node (bound to it directly), status from them. */
export function daemonSetController(registry: Registry): Reconciler {
  const store = registry.store;
  return {
    name: 'daemonset',
    watches: ['daemonsets.apps', 'pods', 'nodes'],
    keys: (e) =>
      e.resource === 'nodes'
        ? store.list(DAEMONSETS).map((d) => `${d.metadata.namespace}/${d.metadata.name}`)
        : ownerKeys('DaemonSet')(e),
    initialKeys: () => store.list(DAEMONSETS).map((d) => `${d.metadata.namespace}/${d.metadata.name}`),
    async reconcile(key) {
      const { namespace, name } = splitKey(key);
      const ds = store.get(DAEMONSETS, namespace, name);
      if (!ds || ds.metadata.deletionTimestamp) return;
      const spec = (ds.spec ?? {}) as { template?: Obj };
      const nodes = store.list(NODES).map((n) => n.metadata.name);
      const pods = store.list(PODS, namespace).filter((p) => ownedBy(p, ds) && active(p));
      for (const node of nodes) {
        if (pods.some((p) => (p.spec as Obj).nodeName === node)) continue;
        registry.create(
          PODS,
          namespace,
          podFromTemplate(ds, spec.template ?? {}, { generateName: `${name}-`, nodeName: node }),
          KCM,
        );
      }
      for (const p of pods)
        if (!nodes.includes(String((p.spec as Obj).nodeName)))
          registry.delete(PODS, namespace, p.metadata.name, {}, KCM);
      const now = store.list(PODS, namespace).filter((p) => ownedBy(p, ds) && active(p));
      const ready = now.filter(podReady).length;
      const status = {
        currentNumberScheduled: now.length,
        desiredNumberScheduled: nodes.length,
        numberMisscheduled: 0,
        numberReady: ready,
        numberAvailable: ready,
        ...(nodes.length - ready > 0 ? { numberUnavailable: nodes.length - ready } : {}),
        updatedNumberScheduled: now.length,
        observedGeneration: ds.metadata.generation ?? 1,
      };
      const cur = store.get(DAEMONSETS, namespace, name);
      if (cur)
        registry.update(DAEMONSETS, namespace, name, { ...structuredClone(cur), status }, KCM, 'status');
    },
  };
}

/**
 * The scheduler: binds an unscheduled pod to a node. The lab's default profile keeps the lab's layout (system
 * pods — kube-system, ingress-nginx, nginx-gateway — on the first node, everything else on the last, so every
 * proxied request crosses the overlay); `spread` places each pod on the node with the fewest pods. A nodeSelector
 * on kubernetes.io/hostname is honoured.
 */
export function schedulerController(
  registry: Registry,
  opts: { spread: boolean; systemNamespaces: string[] },
): Reconciler {
  const store = registry.store;
  return {
    name: 'scheduler',
    watches: ['pods'],
    initialKeys: () => store.list(PODS).map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    async reconcile(key) {
      const { namespace, name } = splitKey(key);
      const pod = store.get(PODS, namespace, name);
      if (!pod || pod.metadata.deletionTimestamp || (pod.spec as Obj).nodeName) return;
      const nodes = store
        .list(NODES)
        .map((n) => n.metadata.name)
        .sort();
      if (nodes.length === 0) return;
      const selector = ((pod.spec as Obj).nodeSelector ?? {}) as Record<string, string>;
      let candidates = nodes.filter((n) => {
        const node = store.get(NODES, undefined, n);
        return Object.entries(selector).every(([k, v]) => node?.metadata.labels?.[k] === v);
      });
      if (candidates.length === 0) return;
      let node: string;
      if (opts.spread) {
        const count = (n: string) =>
          store.list(PODS).filter((p) => (p.spec as Obj).nodeName === n && active(p)).length;
        candidates = [...candidates].sort((a, b) => count(a) - count(b) || a.localeCompare(b));
        node = candidates[0] as string;
      } else {
        node = (
          opts.systemNamespaces.includes(namespace ?? '') ? candidates[0] : candidates[candidates.length - 1]
        ) as string;
      }
      registry.bind(PODS, namespace as string, name, node);
    },
  };
}

/**
 * The garbage collector: dependents whose owners are gone are deleted (background), an owner being deleted with
 * the `foregroundDeletion` finalizer waits for its dependents, `orphan` frees them (their ownerReferences go).
 */
export function garbageCollector(registry: Registry): Reconciler {
  const store = registry.store;
  const namespaced = RESOURCES.filter((r) => r.namespaced);
  const byUid = (ns: string | undefined, uid: string) => {
    for (const info of RESOURCES) {
      for (const o of info.namespaced ? store.list(info, ns) : store.list(info))
        if (o.metadata.uid === uid) return o;
    }
    return undefined;
  };
  return {
    name: 'garbage-collector',
    watches: RESOURCES.map((r) => (r.group ? `${r.resource}.${r.group}` : r.resource)),
    keys: (e) => {
      const ns = e.object.metadata.namespace ?? '';
      const keys = [`${e.resource}|${ns}|${e.object.metadata.name}`];
      // An owner's change (deleted, finalizers) concerns its dependents.
      if (e.type === 'DELETED' || e.object.metadata.deletionTimestamp) {
        for (const info of namespaced) {
          for (const o of store.list(info, e.object.metadata.namespace)) {
            if ((o.metadata.ownerReferences ?? []).some((r) => r.uid === e.object.metadata.uid))
              keys.push(
                `${info.group ? `${info.resource}.${info.group}` : info.resource}|${o.metadata.namespace ?? ''}|${o.metadata.name}`,
              );
          }
        }
      }
      return keys;
    },
    async reconcile(key) {
      const [resource, ns, name] = key.split('|') as [string, string, string];
      const info = RESOURCES.find((r) => (r.group ? `${r.resource}.${r.group}` : r.resource) === resource);
      if (!info) return;
      const obj = store.get(info, ns || undefined, name);
      if (!obj) return;
      const refs = obj.metadata.ownerReferences ?? [];
      if (refs.length && !obj.metadata.deletionTimestamp) {
        const owners = refs.map((r) => byUid(obj.metadata.namespace, r.uid));
        const orphaning = owners.some(
          (o) => o?.metadata.deletionTimestamp && o.metadata.finalizers?.includes('orphan'),
        );
        if (orphaning) {
          const next = structuredClone(obj);
          next.metadata.ownerReferences = refs.filter(
            (_r, i) => !owners[i]?.metadata.finalizers?.includes('orphan'),
          );
          if (!next.metadata.ownerReferences.length) delete next.metadata.ownerReferences;
          registry.update(info, ns || undefined, name, next, KCM);
        } else if (
          owners.every((o) => !o) ||
          owners.some(
            (o) => o?.metadata.deletionTimestamp && o.metadata.finalizers?.includes('foregroundDeletion'),
          )
        ) {
          registry.delete(info, ns || undefined, name, { propagationPolicy: 'Background' }, KCM);
        }
      }
      // The owner side: drop the orphan/foreground finalizers once their work is done.
      const fins = obj.metadata.finalizers ?? [];
      if (
        obj.metadata.deletionTimestamp &&
        (fins.includes('orphan') || fins.includes('foregroundDeletion'))
      ) {
        const dependents = namespaced
          .flatMap((i) => store.list(i, obj.metadata.namespace))
          .filter((o) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === obj.metadata.uid));
        if (dependents.length === 0) {
          const next = structuredClone(obj);
          next.metadata.finalizers = fins.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
          registry.update(info, ns || undefined, name, next, KCM);
        } else return { requeueAfterMs: 200 };
      }
      return undefined;
    },
  };
}
