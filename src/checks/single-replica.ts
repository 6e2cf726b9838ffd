import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { Workload } from '../cluster/types.js';
import { routedServices, routeLabel } from '../graph/routed.js';
import { labelSelectorMatches } from '../graph/selector.js';
import { distinctByOwner, nsName, podOwnerName, podRef } from './pod-spec.js';
import type { Check, CheckFinding } from './types.js';

function replicasOf(w: Workload): number | undefined {
  if (w.kind === 'DaemonSet') return undefined; // one per node: not a single-replica risk we can judge
  return w.spec?.replicas ?? 1;
}

/**
 * A routed Service whose pods all come from workloads with one replica in total (or a single live pod), and no
 * PodDisruptionBudget covering them: every node drain or eviction leaves the route without endpoints.
 * HorizontalPodAutoscalers are not read, so a minReplicas above 1 is not seen (documented).
 */
export const singleReplica: Check = {
  meta: {
    id: 'single-replica',
    hop: 4,
    causes: ['single-replica'],
    severity: 'warning',
    summary: 'Routed backend runs a single replica without a PodDisruptionBudget',
    docs:
      'Sums spec.replicas (default 1) of the Deployments/StatefulSets/ReplicaSets behind each routed Service ' +
      '(live pods without a known workload count one each); at most 1 and no PodDisruptionBudget selecting ' +
      'the pods is a finding.',
  },
  run({ graph }) {
    const findings: CheckFinding[] = [];
    const pdbsByNs = new Map<string, V1PodDisruptionBudget[]>();
    for (const pdb of graph.snapshot.podDisruptionBudgets) {
      const ns = pdb.metadata?.namespace ?? 'default';
      pdbsByNs.set(ns, [...(pdbsByNs.get(ns) ?? []), pdb]);
    }
    for (const routed of routedServices(graph)) {
      const pods: V1Pod[] = [];
      for (const r of routed.resolutions) for (const p of r.pods) if (!pods.includes(p)) pods.push(p);
      if (pods.length === 0) continue;
      const workloads = new Map<string, Workload>();
      let bare = 0;
      let daemon = false;
      for (const pod of pods) {
        const w = graph.workloadOf?.(pod);
        if (!w) bare++;
        else if (w.kind === 'DaemonSet') daemon = true;
        else workloads.set(`${w.kind}/${nsName(w)}`, w);
      }
      if (daemon) continue;
      let total = bare;
      for (const w of workloads.values()) total += replicasOf(w) ?? 0;
      if (total > 1) continue;
      const ns = routed.service.metadata?.namespace ?? 'default';
      const covered = (pdbsByNs.get(ns) ?? []).some((pdb) =>
        // policy/v1: a PDB without a selector selects no pods; {} selects every pod of the namespace.
        pods.some((p) => labelSelectorMatches(pdb.spec?.selector, p.metadata?.labels, 'selects-nothing')),
      );
      if (covered) continue;
      const pod = distinctByOwner(graph, pods)[0];
      findings.push({
        severity: 'warning',
        object: podRef(graph, pod),
        route: routeLabel(routed.routes[0]),
        message: `${podOwnerName(graph, pod)} is the only replica behind Service ${nsName(routed.service)} and no PodDisruptionBudget covers it`,
        why: 'A node drain, eviction or crash removes the only endpoint: the route answers 503 until a new pod is Ready.',
        fix: `Set spec.replicas: 2 (or more) on ${podOwnerName(graph, pod)} and add a PodDisruptionBudget with minAvailable: 1 selecting its pods.`,
        related: [graph.ref('Service', routed.service)],
      });
    }
    return findings;
  },
};
