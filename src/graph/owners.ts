/**
 * Who owns a pod: its workload (ownerReferences, through a ReplicaSet to its Deployment), and the template pods
 * that stand in for a workload's replicas when the input has none. Also where an object is written (ObjectRef with
 * file:line), since a template pod is written nowhere and its workload is what a finding must point at.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ClusterSnapshot, ObjectRef, Workload } from '../cluster/types.js';
import { arr, isStringMap, type NsIndex, nsOf, type PodIndex } from './indexes.js';
import { labelSelectorMatches } from './selector.js';

/** A pod standing in for a workload's replicas when there are no live pods (manifests). */
export function templatePod(w: Workload): V1Pod | undefined {
  const tpl = w.spec?.template;
  if (!tpl || typeof tpl !== 'object') return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${w.metadata?.name ?? 'unnamed'}-template`,
      namespace: nsOf(w),
      labels: isStringMap(tpl.metadata?.labels) ? tpl.metadata.labels : {},
      annotations: isStringMap(tpl.metadata?.annotations) ? tpl.metadata.annotations : {},
      ownerReferences: [
        {
          apiVersion: w.apiVersion ?? 'apps/v1',
          kind: w.kind,
          name: w.metadata?.name ?? '',
          uid: '',
          controller: true,
        },
      ],
    },
    spec: tpl.spec,
  };
}

/**
 * Adds the template pods of a snapshot to the pod index and returns template pod → its workload. Live: only when
 * the snapshot has no pods at all (a workload scaled to zero must stay podless); from files, one for each
 * workload no real pod stands for (manifests, or dumps without its pods).
 */
export function addTemplatePods(snapshot: ClusterSnapshot, pods: PodIndex): Map<V1Pod, Workload> {
  // A Map, not a WeakMap: it lives as long as the graph, and weak keys cost every GC an ephemeron walk.
  const owners = new Map<V1Pod, Workload>();
  if (snapshot.live && snapshot.pods.length > 0) return owners;
  const templates: V1Pod[] = [];
  for (const w of snapshot.workloads) {
    // A ReplicaSet owned by a Deployment in the same snapshot would double its pods.
    if (
      w.kind === 'ReplicaSet' &&
      arr<{ kind?: string }>(w.metadata?.ownerReferences).some((o) => o.kind === 'Deployment')
    )
      continue;
    const sel = w.spec?.selector;
    if (snapshot.pods.length > 0 && sel && pods.matchingSelector(nsOf(w), sel).length > 0) continue;
    const p = templatePod(w);
    if (!p) continue;
    owners.set(p, w);
    templates.push(p);
  }
  // Added after every query above: each query sees the real pods only.
  for (const p of templates) pods.add(p);
  return owners;
}

/** The workload a pod belongs to: the template's owner for template pods, ownerReferences for live pods. */
export function workloadResolver(
  workloads: Map<string, NsIndex<Workload>>,
  templateOwner: Map<V1Pod, Workload>,
): (pod: V1Pod) => Workload | undefined {
  /**
   * A dump of Deployments and pods without their ReplicaSets (`kubectl get deploy,pods`): the Deployment names
   * its ReplicaSets "<deployment>-<pod-template-hash>" and labels their pods with that hash, so the Deployment of
   * that name whose selector matches the pod is the owner.
   */
  function deploymentOfMissingReplicaSet(
    pod: V1Pod,
    ns: string,
    rsName: string | undefined,
  ): Workload | undefined {
    const hash = pod.metadata?.labels?.['pod-template-hash'];
    if (!hash || !rsName || !rsName.endsWith(`-${hash}`)) return undefined;
    const dep = workloads.get('Deployment')?.get(ns, rsName.slice(0, -(hash.length + 1)));
    return dep && labelSelectorMatches(dep.spec?.selector, pod.metadata?.labels, 'selects-nothing')
      ? dep
      : undefined;
  }

  return (pod) => {
    const t = templateOwner.get(pod);
    if (t) return t;
    const ns = nsOf(pod);
    const owner = arr<{ kind?: string; name?: string; controller?: boolean }>(
      pod.metadata?.ownerReferences,
    ).find((o) => o.controller !== false);
    if (!owner?.kind) return undefined;
    const w = workloads.get(owner.kind)?.get(ns, owner.name);
    if (w?.kind === 'ReplicaSet') {
      const dep = arr<{ kind?: string; name?: string }>(w.metadata?.ownerReferences).find(
        (o) => o.kind === 'Deployment',
      );
      if (dep) return workloads.get('Deployment')?.get(ns, dep.name) ?? w;
    }
    if (w === undefined && owner.kind === 'ReplicaSet')
      return deploymentOfMissingReplicaSet(pod, ns, owner.name);
    return w;
  };
}

/** ObjectRef with file:line when the object came from a file; a template pod's ref is its workload's. */
export function objectRefs(
  snapshot: ClusterSnapshot,
  templateOwner: Map<V1Pod, Workload>,
): (kind: string, obj: { metadata?: { name?: string; namespace?: string } }) => ObjectRef {
  const ref = (kind: string, obj: { metadata?: { name?: string; namespace?: string } }): ObjectRef => {
    const owner = templateOwner.get(obj as V1Pod);
    if (owner) return ref(owner.kind, owner);
    const origin = snapshot.origins.get(obj);
    const r: ObjectRef = { kind, name: obj.metadata?.name ?? '' };
    if (obj.metadata?.namespace !== undefined) r.namespace = obj.metadata.namespace;
    if (origin) {
      r.file = origin.file;
      r.line = origin.line;
    }
    return r;
  };
  return ref;
}
