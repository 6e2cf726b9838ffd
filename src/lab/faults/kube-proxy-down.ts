import { NODES } from '../topology.js';
import type { LabFault } from './types.js';

/**
 * kube-proxy cannot run on a node: that node has no Service or NodePort rules, and the kubelet restarts its
 * kube-proxy container with back-off (CrashLoopBackOff), which `kubectl get pods -n kube-system` shows.
 */
export const fault: LabFault = {
  id: 'kube-proxy-down',
  summary: 'kube-proxy crash-loops on node-2: no NodePort or Service rules there',
  symptom:
    "node-2's NodePort refuses connections and the LB takes it out (the URL still works through node-1); pods on node-2 cannot reach Services",
  variants: { 'all-nodes': 'kube-proxy crash-loops on every node: the LB has no healthy node (503)' },
  apply(model, variant) {
    const nodes = variant === 'all-nodes' ? NODES.map((n) => n.name) : ['node-2'];
    model.infra.kubeProxyDown = [...new Set([...model.infra.kubeProxyDown, ...nodes])];
  },
};
