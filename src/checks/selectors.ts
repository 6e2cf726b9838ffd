import type { V1LabelSelector, V1Namespace } from '@kubernetes/client-node';
import type { ClusterSnapshot } from '../cluster/types.js';
import { list, strings } from './shape.js';

/** Kubernetes label-selector semantics (matchLabels AND matchExpressions); an empty selector matches all. */
export function selectorMatches(
  selector: V1LabelSelector | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector) return true;
  const matchLabels = selector.matchLabels;
  if (matchLabels) {
    // for…in, not Object.entries: no pair arrays per call (this runs per pod × policy).
    for (const k in matchLabels) if (labels[k] !== matchLabels[k]) return false;
  }
  for (const expr of list(selector.matchExpressions)) {
    const has = Object.hasOwn(labels, expr.key);
    const value = labels[expr.key];
    const values = strings(expr.values);
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // An operator the API server would reject: match nothing rather than guess.
        return false;
    }
  }
  return true;
}

export function isEmptySelector(selector: V1LabelSelector | undefined): boolean {
  return (
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && list(selector.matchExpressions).length === 0)
  );
}

/** Service-style equality selector (`spec.selector`) against labels. */
export function mapSelectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string> = {},
): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

export function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length === 0 ? '{}' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

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
