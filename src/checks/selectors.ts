import type { V1Namespace } from '@kubernetes/client-node';
import type { ClusterSnapshot } from '../cluster/types.js';

/**
 * Labels of a namespace: the Namespace object's when the snapshot has it, plus the label the API server sets on
 * every namespace since Kubernetes 1.21 (so policies written against it work with manifests too).
 */
export function namespaceLabelsOf(snapshot: ClusterSnapshot): (name: string) => Record<string, string> {
  const byName = new Map<string, V1Namespace>();
  for (const ns of snapshot.namespaces) if (ns.metadata?.name) byName.set(ns.metadata.name, ns);
  // One label map per namespace, built on first use: policies ask per controller pod × backend pod.
  const labels = new Map<string, Record<string, string>>();
  return (name) => {
    let l = labels.get(name);
    if (!l) {
      l = { ...(byName.get(name)?.metadata?.labels ?? {}), 'kubernetes.io/metadata.name': name };
      labels.set(name, l);
    }
    return l;
  };
}
