import type { V1Pod } from '@kubernetes/client-node';
import { NODES } from '../topology.js';
import type { LabFault } from './types.js';

/** kube-proxy crash-loops on a node, so that node has no Service or NodePort rules at all. */
function crashLoop(pod: V1Pod): void {
  const status = pod.status;
  if (!status) return;
  status.conditions = (status.conditions ?? []).map((c) =>
    c.type === 'Ready' || c.type === 'ContainersReady'
      ? { ...c, status: 'False', reason: 'ContainersNotReady' }
      : c,
  );
  status.containerStatuses = (status.containerStatuses ?? []).map((c) => ({
    ...c,
    ready: false,
    started: false,
    restartCount: 7,
    state: {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off 5m0s restarting failed container=${c.name} pod=${pod.metadata?.name}_kube-system`,
      },
    },
    lastState: {
      terminated: {
        exitCode: 1,
        reason: 'Error',
        startedAt: new Date('2026-01-05T09:40:00Z'),
        finishedAt: new Date('2026-01-05T09:40:01Z'),
      },
    },
  }));
}

export const fault: LabFault = {
  id: 'kube-proxy-down',
  summary: 'kube-proxy crash-loops on node-2: no NodePort or Service rules there',
  symptom:
    "node-2's NodePort refuses connections and the LB takes it out (the URL still works through node-1); pods on node-2 cannot reach Services",
  variants: { 'all-nodes': 'kube-proxy crash-loops on every node: the LB has no healthy node (503)' },
  apply(model, variant) {
    const nodes = variant === 'all-nodes' ? NODES.map((n) => n.name) : ['node-2'];
    model.infra.kubeProxyDown = [...new Set([...model.infra.kubeProxyDown, ...nodes])];
    for (const pod of model.objects.pods) {
      if (pod.metadata?.labels?.['k8s-app'] === 'kube-proxy' && nodes.includes(pod.spec?.nodeName ?? ''))
        crashLoop(pod);
    }
  },
};
