import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { selectsEverything } from '../graph/selector.js';
import { strings } from './shape.js';
import type { Check, CheckFinding } from './types.js';

/** Namespaces whose pods are the cluster's own plumbing: a default-deny there is not this tool's advice. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/**
 * Does this policy deny all ingress to every pod of its namespace? `podSelector: {}` with Ingress in effect
 * (policyTypes lists it, or policyTypes is absent — then Ingress always applies) and no ingress rules.
 * NOTE `ingress: [{}]` is the opposite (allow all), and policyTypes [Egress] alone isolates nothing inbound.
 */
export function isDefaultDenyIngress(policy: V1NetworkPolicy): boolean {
  const spec = policy.spec;
  // podSelector is a required value: absent is the empty selector, every pod of the namespace.
  if (!spec || !selectsEverything(spec.podSelector, 'selects-everything')) return false;
  const types = strings(spec.policyTypes);
  const ingressApplies = types.length === 0 || types.includes('Ingress');
  if (!ingressApplies) return false;
  return (
    spec.ingress === undefined ||
    spec.ingress === null ||
    (Array.isArray(spec.ingress) && spec.ingress.length === 0)
  );
}

export const defaultDeny: Check = {
  meta: {
    id: 'default-deny',
    hop: 5,
    causes: ['missing-default-deny'],
    severity: 'warning',
    summary: 'Namespace with routed backends or pods has no default-deny NetworkPolicy',
    docs:
      'Seed checklist 3. A default deny is a NetworkPolicy with podSelector {} and no ingress rules, with ' +
      'policyTypes [Ingress] (or no policyTypes at all). Unlike some linters, a policy with policyTypes ' +
      '[Ingress] and no ingress field counts. kube-system, kube-public and kube-node-lease are skipped. ' +
      'Cluster-wide policies of a CNI (Calico GlobalNetworkPolicy, Cilium clusterwide) are not visible here.',
  },
  run({ graph }) {
    const snap = graph.snapshot;
    const namespaces = new Set<string>();
    for (const route of graph.routes) {
      for (const b of route.backends)
        if (graph.service(b.namespace, b.serviceName)) namespaces.add(b.namespace);
    }
    for (const p of snap.pods) namespaces.add(p.metadata?.namespace ?? 'default');
    for (const w of snap.workloads) namespaces.add(w.metadata?.namespace ?? 'default');
    const denied = new Set<string>();
    for (const np of snap.networkPolicies) {
      if (isDefaultDenyIngress(np)) denied.add(np.metadata?.namespace ?? 'default');
    }
    const findings: CheckFinding[] = [];
    for (const ns of [...namespaces].sort()) {
      if (SYSTEM_NAMESPACES.has(ns) || denied.has(ns)) continue;
      const nsObj = graph.namespace?.(ns) ?? snap.namespaces.find((n) => n.metadata?.name === ns);
      findings.push({
        severity: 'warning',
        object: nsObj ? graph.ref('Namespace', nsObj) : { kind: 'Namespace', name: ns },
        message: `Namespace ${ns} has no default-deny ingress NetworkPolicy`,
        why: 'Without a default-deny baseline every pod can reach every other pod; allowed paths should be explicit (seed checklist 3).',
        fix:
          `Add to namespace ${ns}: a NetworkPolicy with spec.podSelector: {} and spec.policyTypes: [Ingress] ` +
          '(no ingress rules), then policies allowing the ingress controller namespace to reach the routed pods.',
      });
    }
    return findings;
  },
};
