import type { V1Pod } from '@kubernetes/client-node';
import type { PodRuntime } from '../runtime.js';
import type { Registry } from './registry.js';
import { RESOURCES, type ResourceInfo } from './resources.js';
import { forbidden } from './status.js';
import { type KubeObject, type ObjectStore, timestamp } from './store.js';

export const PODS: ResourceInfo = RESOURCES.find((r) => r.resource === 'pods')!;

const KUBELET = { manager: 'kubelet' };

/**
 * What a kubelet does for pods created through the API: a new Pending pod is started by the runtime and its
 * status written (Running with addresses, or Failed with the runtime's message); a pod marked for deletion is
 * stopped and then removed (the registry's graceful deletion leaves that to the kubelet). Driven by the store's
 * events, level-triggered: each pod key is handled by one operation at a time.
 */
export class PodLifecycle {
  private readonly starting = new Map<string, Promise<void>>();
  private readonly stopping = new Map<string, Promise<void>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: Registry,
    private readonly runtime: PodRuntime,
  ) {
    this.unsubscribe = store.subscribe((e) => {
      if (e.resource !== 'pods') return;
      if (e.type === 'DELETED') this.stopOnce(e.object, false);
      else this.reconcile(e.object);
    });
  }

  /** Pods seeded from the lab's objects belong to `lab up` (stage 1: they are not the API's to delete). */
  assertDeletable(pod: KubeObject): void {
    if (this.store.isSeeded(PODS, pod.metadata.namespace, pod.metadata.name)) {
      throw forbidden(
        PODS,
        pod.metadata.name,
        'this pod is part of the lab; only pods created through the API can be deleted (use `ingress-doctor lab down` to remove the lab)',
      );
    }
  }

  private reconcile(pod: KubeObject): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (this.store.isSeeded(PODS, pod.metadata.namespace, pod.metadata.name)) return;
    if (pod.metadata.deletionTimestamp) {
      this.stopOnce(pod, true);
      return;
    }
    const st = (pod.status ?? {}) as { phase?: string; podIP?: string };
    if ((st.phase ?? 'Pending') === 'Pending' && !st.podIP && !this.starting.has(key)) {
      const done = this.start(pod).finally(() => this.starting.delete(key));
      this.starting.set(key, done);
    }
  }

  private async start(pod: KubeObject): Promise<void> {
    const ns = pod.metadata.namespace as string;
    const name = pod.metadata.name;
    let status: Record<string, unknown>;
    let nodeName: string | undefined;
    try {
      const addr = await this.runtime.startPod(pod as unknown as V1Pod);
      nodeName = addr.nodeName;
      const started = timestamp() as unknown as string;
      const containers =
        ((pod.spec as Record<string, unknown>).containers as Record<string, unknown>[]) ?? [];
      const cond = (type: string) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: started,
      });
      status = {
        phase: 'Running',
        conditions: [
          'PodReadyToStartContainers',
          'Initialized',
          'Ready',
          'ContainersReady',
          'PodScheduled',
        ].map(cond),
        hostIP: addr.hostIP,
        hostIPs: [{ ip: addr.hostIP }],
        podIP: addr.podIP,
        podIPs: [{ ip: addr.podIP }],
        startTime: started,
        qosClass: (pod.status as { qosClass?: string } | undefined)?.qosClass ?? 'BestEffort',
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          imageID: '',
          containerID: `lab://${pod.metadata.uid}/${c.name}`,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: started } },
        })),
      };
    } catch (err) {
      // The pod cannot run; Failed (not stuck Pending) so a client waiting for Running stops waiting.
      status = {
        phase: 'Failed',
        reason: 'LabRuntimeError',
        message: `the lab could not start the pod: ${(err as Error).message}`,
        qosClass: 'BestEffort',
      };
    }
    const current = this.store.get(PODS, ns, name);
    if (!current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp) return;
    // Binding (the scheduler's write) and the kubelet's status write, as two writes like a real cluster.
    if (nodeName && !(current.spec as { nodeName?: string }).nodeName) {
      this.store.replace(PODS, {
        ...structuredClone(current),
        spec: { ...(current.spec as object), nodeName },
      });
    }
    const latest = this.store.get(PODS, ns, name) as KubeObject;
    this.registry.update(PODS, ns, name, { ...structuredClone(latest), status }, KUBELET, 'status');
  }

  private stopOnce(pod: KubeObject, remove: boolean): void {
    if (this.store.isSeeded(PODS, pod.metadata.namespace, pod.metadata.name) && remove) return;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (this.stopping.has(key)) return;
    const done = this.stop(pod, remove).finally(() => this.stopping.delete(key));
    this.stopping.set(key, done);
  }

  private async stop(pod: KubeObject, remove: boolean): Promise<void> {
    const ns = pod.metadata.namespace as string;
    const name = pod.metadata.name;
    await this.starting.get(`${ns}/${name}`);
    let stopError: Error | undefined;
    try {
      await this.runtime.stopPod(pod as unknown as V1Pod);
    } catch (err) {
      stopError = err as Error;
    }
    const current = this.store.get(PODS, ns, name);
    if (remove && current && current.metadata.uid === pod.metadata.uid) {
      this.registry.delete(PODS, ns, name, { gracePeriodSeconds: 0 }, KUBELET);
    }
    if (stopError) process.stderr.write(`lab api: could not stop pod ${ns}/${name}: ${stopError.message}\n`);
  }

  /** Stops every pod the runtime started (server shutdown). */
  async stopAll(): Promise<void> {
    this.unsubscribe();
    await Promise.allSettled([...this.starting.values()]);
    const created = this.store
      .list(PODS)
      .filter((p) => !this.store.isSeeded(PODS, p.metadata.namespace, p.metadata.name));
    await Promise.allSettled(created.map((p) => this.runtime.stopPod(p as unknown as V1Pod)));
    await Promise.allSettled([...this.stopping.values()]);
  }
}
