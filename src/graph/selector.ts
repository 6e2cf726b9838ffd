/**
 * Label selectors with Kubernetes semantics, the one implementation every part uses (graph, checks, diagnose).
 *
 * Two kinds exist. A map selector (`Service.spec.selector`) needs every key=value; `{}` matches every label set
 * (whether an empty Service selector selects pods at all is the Service's rule, decided by its caller). A
 * LabelSelector (`matchLabels` AND `matchExpressions`: NetworkPolicy, PodDisruptionBudget, workloads) is `{}` =
 * everything, and an ABSENT selector means different things in different places: a PDB or workload without one
 * selects nothing, a NetworkPolicy's `podSelector` (a required, non-pointer field) without one selects everything.
 * So the caller must say which it means.
 */
import type { V1LabelSelector, V1LabelSelectorRequirement } from '@kubernetes/client-node';

/** What an absent (undefined or null) selector means where it is read. */
export type AbsentSelector = 'selects-nothing' | 'selects-everything';

/** A map selector: every key=value must be present. `{}` matches everything. */
export function mapSelectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  // for…in, not Object.entries: no pair arrays per call (this runs per pod × policy).
  for (const k in selector) if (labels?.[k] !== selector[k]) return false;
  return true;
}

function requirementMatches(
  req: V1LabelSelectorRequirement,
  labels: Record<string, string> | undefined,
): boolean {
  if (!req || typeof req !== 'object' || typeof req.key !== 'string') return false;
  const has = labels !== undefined && labels !== null && Object.hasOwn(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  const values = Array.isArray(req.values) ? req.values : [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value as string);
    case 'NotIn':
      return !has || !values.includes(value as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      // An operator the API server would reject: match nothing rather than guess.
      return false;
  }
}

/** A LabelSelector against labels; `absent` says what a missing selector means at this field. */
export function labelSelectorMatches(
  selector: V1LabelSelector | undefined | null,
  labels: Record<string, string> | undefined,
  absent: AbsentSelector,
): boolean {
  if (selector === undefined || selector === null) return absent === 'selects-everything';
  const matchLabels = selector.matchLabels;
  if (matchLabels && typeof matchLabels === 'object' && !mapSelectorMatches(matchLabels, labels))
    return false;
  const exprs = selector.matchExpressions;
  if (Array.isArray(exprs)) for (const req of exprs) if (!requirementMatches(req, labels)) return false;
  return true;
}

/** The selector selects every label set: `{}` (no labels, no expressions), or absent where absent means that. */
export function selectsEverything(
  selector: V1LabelSelector | undefined | null,
  absent: AbsentSelector,
): boolean {
  if (selector === undefined || selector === null) return absent === 'selects-everything';
  const labels = selector.matchLabels;
  const exprs = selector.matchExpressions;
  return (
    (!labels || typeof labels !== 'object' || Object.keys(labels).length === 0) &&
    (!Array.isArray(exprs) || exprs.length === 0)
  );
}

/** "a=b,c=d" (kubectl's -l form), "{}" for none. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length === 0 ? '{}' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}
