import type { ChildProcess } from 'node:child_process';
import type { V1Container, V1Pod, V1Probe } from '@kubernetes/client-node';

/** A running container's process, as the kubelet sees it. */
export interface ContainerHandle {
  pid: number;
  exited: Promise<{ code: number | null; signal: string | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * What the lab's kubelet asks of a node: a pod's sandbox (a network namespace on its node with an address),
 * its containers' processes, probes run from the node, exec inside the pod. Implemented on network namespaces
 * by the lab (pod-runtime.ts), faked in the API server's unit tests.
 */
export interface PodRuntime {
  /** Create the pod's network namespace on its node (spec.nodeName or the first node); returns addresses. */
  startPod(pod: V1Pod): Promise<{ podIP: string; hostIP: string; nodeName: string }>;
  stopPod(pod: V1Pod): Promise<void>;
  /** Spawn argv inside the pod's namespace (the node's namespace for hostNetwork pods). stdio are pipes. */
  exec(pod: V1Pod, argv: string[], opts: { tty: boolean }): ChildProcess;
  /** Start a container's process; undefined when its image stands for no process (it just "runs"). */
  startContainer?(pod: V1Pod, container: V1Container): Promise<ContainerHandle | undefined>;
  /** Run a probe (httpGet, tcpSocket, exec) from the pod's node; true when it passes. */
  probe?(pod: V1Pod, container: V1Container, probe: V1Probe): Promise<boolean>;
  /** Run a lifecycle hook command inside the pod, bounded by `timeoutMs`. */
  runHook?(pod: V1Pod, argv: string[], timeoutMs: number): Promise<void>;
}
