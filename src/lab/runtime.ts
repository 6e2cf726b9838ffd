import type { ChildProcess } from 'node:child_process';
import type { V1Pod } from '@kubernetes/client-node';

/**
 * What the lab's Kubernetes API asks of the data plane: pods created through the API become
 * network namespaces on a node; exec runs a command inside one. Implemented on netns by the lab,
 * faked in the API server's unit tests.
 */
export interface PodRuntime {
  /** Create the pod's network namespace on its node (spec.nodeName or the first node); returns addresses. */
  startPod(pod: V1Pod): Promise<{ podIP: string; hostIP: string; nodeName: string }>;
  stopPod(pod: V1Pod): Promise<void>;
  /** Spawn argv inside the pod's namespace (the node's namespace for hostNetwork pods). stdio are pipes. */
  exec(pod: V1Pod, argv: string[], opts: { tty: boolean }): ChildProcess;
}
