import type { V1Container, V1Pod, V1Probe } from '@kubernetes/client-node';
import type { Registry } from '../api/registry.js';
import { resourceNamed } from '../api/resources.js';
import { type KubeObject, timestamp } from '../api/store.js';
import type { ContainerHandle, PodRuntime } from '../runtime.js';
import type { Reconciler } from './runtime.js';
import { splitKey } from './runtime.js';

const PODS = resourceNamed('pods');
const KUBELET = { manager: 'kubelet' };

interface ContainerState {
  handle?: ContainerHandle;
  startedAt?: string;
  restartCount: number;
  lastTermination?: { exitCode: number; reason: string; startedAt?: string; finishedAt: string };
  /** CrashLoopBackOff: not restarted before this time. */
  backoffUntil?: number;
  ready: boolean;
  successes: number;
  failures: number;
  livenessFailures: number;
  nextProbeAt: number;
  nextLivenessAt: number;
}

interface PodState {
  uid: string;
  sandbox?: { podIP: string; hostIP: string; nodeName: string };
  startTime?: string;
  containers: Map<string, ContainerState>;
  terminated?: { reason: string; message: string };
  readySince?: string;
  transitions: Map<string, string>;
}

const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

/**
 * The kubelet of every lab node as one reconciler (key: the pod): a bound pod gets its sandbox (a network
 * namespace with an address) and its containers (the process its image stands for), the readiness and liveness
 * probes run against the real process, crashed containers restart with back-off (restartPolicy), the pod's
 * status is written back (phase, conditions, containerStatuses), `activeDeadlineSeconds` ends a pod, and a pod
 * marked for deletion is stopped gracefully (preStop, SIGTERM, SIGKILL after the grace period) and then removed.
 */
export function kubeletController(opts: {
  registry: Registry;
  runtime: PodRuntime;
  nodes: () => string[];
  wake: (key: string) => void;
  /** Pods the kubelet does not manage (seeded objects already running elsewhere, e.g. API test fixtures). */
  unmanaged?: (pod: KubeObject) => boolean;
}): Reconciler & { states: Map<string, PodState> } {
  const { registry, runtime } = opts;
  const store = registry.store;
  const states = new Map<string, PodState>();

  const now = () => timestamp() as unknown as string;

  async function teardown(
    key: string,
    pod: KubeObject | undefined,
    state: PodState,
    graceSeconds: number,
  ): Promise<void> {
    const spec = (pod?.spec ?? {}) as { containers?: V1Container[] };
    const deadline = Date.now() + graceSeconds * 1000;
    // preStop hooks first (bounded by the grace period), then SIGTERM, then SIGKILL at the deadline.
    if (pod && runtime.runHook) {
      await Promise.all(
        (spec.containers ?? []).map(async (c) => {
          const cmd = c.lifecycle?.preStop?.exec?.command;
          const sleep = (c.lifecycle?.preStop as { sleep?: { seconds?: number } } | undefined)?.sleep
            ?.seconds;
          const st = state.containers.get(c.name);
          if (!st?.handle) return;
          const budget = Math.max(0, deadline - Date.now());
          if (cmd?.length)
            await runtime.runHook?.(pod as unknown as V1Pod, cmd, budget).catch(() => undefined);
          else if (sleep) await new Promise((r) => setTimeout(r, Math.min(sleep * 1000, budget)));
        }),
      );
    }
    const handles = [...state.containers.values()]
      .map((c) => c.handle)
      .filter((h): h is ContainerHandle => !!h);
    for (const h of handles) h.kill('SIGTERM');
    await Promise.race([
      Promise.all(handles.map((h) => h.exited)),
      new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
    ]);
    for (const h of handles) h.kill('SIGKILL');
    await Promise.all(handles.map((h) => h.exited));
    for (const c of state.containers.values()) c.handle = undefined;
    if (state.sandbox && pod) await runtime.stopPod(pod as unknown as V1Pod).catch(() => undefined);
    states.delete(key);
  }

  async function probe(pod: KubeObject, c: V1Container, p: V1Probe): Promise<boolean> {
    if (!runtime.probe) return true;
    return runtime.probe(pod as unknown as V1Pod, c, p).catch(() => false);
  }

  /** A pod condition whose lastTransitionTime changes only when its status does. */
  function condition(state: PodState, type: string, ok: boolean): Record<string, unknown> {
    const status = ok ? 'True' : 'False';
    const prev = state.transitions.get(type);
    const at = prev?.startsWith(`${status}@`) ? prev.slice(status.length + 1) : now();
    state.transitions.set(type, `${status}@${at}`);
    return { type, status, lastProbeTime: null, lastTransitionTime: at };
  }

  function writeStatus(pod: KubeObject, state: PodState): void {
    const spec = (pod.spec ?? {}) as { containers?: V1Container[] };
    const containers = spec.containers ?? [];
    const notReady = containers.filter((c) => !state.containers.get(c.name)?.ready).map((c) => c.name);
    const allReady = containers.length > 0 && notReady.length === 0 && !state.terminated;
    // Containers that ended and will not be restarted (restartPolicy Never/OnFailure) end the pod.
    const finished =
      containers.length > 0 &&
      containers.every((c) => {
        const st = state.containers.get(c.name);
        return st?.lastTermination !== undefined && !st.handle && st.backoffUntil === undefined;
      });
    const succeeded =
      finished && containers.every((c) => state.containers.get(c.name)?.lastTermination?.exitCode === 0);
    const phase = state.terminated ? 'Failed' : finished ? (succeeded ? 'Succeeded' : 'Failed') : 'Running';
    const statuses = containers.map((c) => {
      const st = state.containers.get(c.name);
      const running =
        st?.handle !== undefined ||
        (st?.startedAt !== undefined &&
          !st?.lastTermination &&
          st.backoffUntil === undefined &&
          state.terminated === undefined);
      let stateField: Record<string, unknown>;
      if ((state.terminated || phase !== 'Running') && st?.lastTermination)
        stateField = {
          terminated: {
            exitCode: st.lastTermination.exitCode,
            reason: st.lastTermination.reason,
            startedAt: st.lastTermination.startedAt,
            finishedAt: st.lastTermination.finishedAt,
          },
        };
      else if (st?.backoffUntil !== undefined)
        stateField = {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${Math.round(Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** Math.max(0, st.restartCount - 1)) / 1000)}s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
          },
        };
      else if (running && st?.startedAt) stateField = { running: { startedAt: st.startedAt } };
      else stateField = { waiting: { reason: 'ContainerCreating' } };
      return {
        name: c.name,
        image: c.image,
        imageID: `${String(c.image ?? '').split(':')[0]}@sha256:${'0'.repeat(64)}`,
        containerID: `containerd://${pod.metadata.uid?.replace(/-/g, '')}${c.name}`.slice(0, 77),
        ready: st?.ready ?? false,
        started: running,
        restartCount: st?.restartCount ?? 0,
        state: stateField,
        ...(st?.lastTermination && !state.terminated
          ? {
              lastState: {
                terminated: {
                  exitCode: st.lastTermination.exitCode,
                  reason: st.lastTermination.reason,
                  startedAt: st.lastTermination.startedAt,
                  finishedAt: st.lastTermination.finishedAt,
                },
              },
            }
          : {}),
      };
    });
    const sandbox = state.sandbox;
    const ready = condition(state, 'Ready', allReady);
    const containersReady = condition(state, 'ContainersReady', allReady);
    for (const c of [ready, containersReady]) {
      if (c.status !== 'False') continue;
      c.reason = 'ContainersNotReady';
      c.message = `containers with unready status: [${notReady.join(' ')}]`;
    }
    const status: Record<string, unknown> = {
      phase,
      conditions: [
        condition(state, 'PodReadyToStartContainers', !!sandbox),
        condition(state, 'Initialized', true),
        ready,
        containersReady,
        condition(state, 'PodScheduled', true),
      ],
      ...(sandbox
        ? {
            hostIP: sandbox.hostIP,
            hostIPs: [{ ip: sandbox.hostIP }],
            podIP: sandbox.podIP,
            podIPs: [{ ip: sandbox.podIP }],
          }
        : {}),
      startTime: state.startTime,
      qosClass: (pod.status as { qosClass?: string } | undefined)?.qosClass ?? 'BestEffort',
      containerStatuses: statuses,
      ...(state.terminated ? { reason: state.terminated.reason, message: state.terminated.message } : {}),
    };
    const current = store.get(PODS, pod.metadata.namespace, pod.metadata.name);
    if (!current || current.metadata.uid !== pod.metadata.uid) return;
    registry.update(
      PODS,
      pod.metadata.namespace,
      pod.metadata.name,
      { ...structuredClone(current), status },
      KUBELET,
      'status',
    );
  }

  async function reconcile(key: string): Promise<{ requeueAfterMs?: number } | undefined> {
    const { namespace, name } = splitKey(key);
    const pod = store.get(PODS, namespace, name);
    let state = states.get(key);
    if (state && (!pod || pod.metadata.uid !== state.uid)) {
      await teardown(
        key,
        pod && pod.metadata.uid === state.uid
          ? pod
          : ({ ...(pod ?? {}), metadata: { name, namespace, uid: state.uid }, spec: {} } as KubeObject),
        state,
        0,
      );
      state = undefined;
      if (!pod) return;
    }
    if (!pod) return;
    if (opts.unmanaged?.(pod)) return;
    const spec = (pod.spec ?? {}) as {
      nodeName?: string;
      containers?: V1Container[];
      activeDeadlineSeconds?: number;
      restartPolicy?: string;
    };
    if (!spec.nodeName || !opts.nodes().includes(spec.nodeName)) return;
    if (pod.metadata.deletionTimestamp) {
      const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? 0);
      if (state) await teardown(key, pod, state, grace);
      const latest = store.get(PODS, namespace, name);
      if (latest && latest.metadata.uid === pod.metadata.uid)
        registry.delete(PODS, namespace, name, { gracePeriodSeconds: 0 }, KUBELET);
      return;
    }
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      if (state) {
        for (const c of state.containers.values()) c.handle?.kill('SIGKILL');
      }
      return;
    }
    if (!state) {
      state = { uid: pod.metadata.uid as string, containers: new Map(), transitions: new Map() };
      states.set(key, state);
    }
    if (!state.sandbox) {
      try {
        state.sandbox = await runtime.startPod(pod as unknown as V1Pod);
      } catch (err) {
        // The node cannot run it: Failed (not stuck Pending) so a client waiting for Running stops waiting.
        state.terminated = {
          reason: 'LabRuntimeError',
          message: `the lab could not start the pod: ${(err as Error).message}`,
        };
        writeStatus(pod, state);
        return undefined;
      }
      state.startTime = now();
    }
    // activeDeadlineSeconds: a pod that has been active too long is ended, as the kubelet does.
    if (spec.activeDeadlineSeconds && state.startTime) {
      const end = Date.parse(state.startTime) + spec.activeDeadlineSeconds * 1000;
      if (Date.now() >= end) {
        state.terminated = {
          reason: 'DeadlineExceeded',
          message: 'Pod was active on the node longer than the specified deadline',
        };
        const handles = [...state.containers.values()]
          .map((c) => c.handle)
          .filter((h): h is ContainerHandle => !!h);
        for (const h of handles) h.kill('SIGKILL');
        await Promise.all(handles.map((h) => h.exited));
        for (const c of state.containers.values()) {
          c.handle = undefined;
          c.ready = false;
          c.lastTermination ??= { exitCode: 137, reason: 'Error', startedAt: c.startedAt, finishedAt: now() };
        }
        writeStatus(pod, state);
        return;
      }
    }
    let nextWake = Number.POSITIVE_INFINITY;
    if (spec.activeDeadlineSeconds && state.startTime)
      nextWake = Math.min(
        nextWake,
        Date.parse(state.startTime) + spec.activeDeadlineSeconds * 1000 - Date.now(),
      );
    for (const c of spec.containers ?? []) {
      let st = state.containers.get(c.name);
      if (!st) {
        st = {
          restartCount: 0,
          ready: false,
          successes: 0,
          failures: 0,
          livenessFailures: 0,
          nextProbeAt: 0,
          nextLivenessAt: 0,
        };
        state.containers.set(c.name, st);
      }
      const crashLooping = !st.handle && st.backoffUntil !== undefined;
      if (st.startedAt === undefined || crashLooping) {
        if (st.backoffUntil !== undefined && Date.now() < st.backoffUntil) {
          nextWake = Math.min(nextWake, st.backoffUntil - Date.now());
          continue;
        }
        st.backoffUntil = undefined;
        const handle = runtime.startContainer
          ? await runtime.startContainer(pod as unknown as V1Pod, c)
          : undefined;
        st.startedAt = now();
        st.handle = handle;
        st.ready = false;
        st.successes = 0;
        st.failures = 0;
        st.livenessFailures = 0;
        const delay = (c.readinessProbe?.initialDelaySeconds ?? 0) * 1000;
        st.nextProbeAt = Date.now() + delay;
        st.nextLivenessAt =
          Date.now() +
          (c.livenessProbe?.initialDelaySeconds ?? 0) * 1000 +
          (c.livenessProbe?.periodSeconds ?? 10) * 1000;
        if (handle) {
          const started = st.startedAt;
          const container = st;
          void handle.exited.then(({ code, signal }) => {
            if (container.handle !== handle) return;
            container.handle = undefined;
            container.ready = false;
            container.lastTermination = {
              exitCode: code ?? (signal ? 128 + 9 : 1),
              reason: code === 0 ? 'Completed' : 'Error',
              startedAt: started,
              finishedAt: now(),
            };
            const policy = spec.restartPolicy ?? 'Always';
            if (policy === 'Always' || (policy === 'OnFailure' && code !== 0)) {
              container.restartCount++;
              container.backoffUntil =
                Date.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (container.restartCount - 1));
            }
            opts.wake(key);
          });
        }
      }
      if (st.handle === undefined && st.backoffUntil !== undefined) continue;
      // Readiness: no probe means ready once running.
      if (!c.readinessProbe) st.ready = true;
      else if (Date.now() >= st.nextProbeAt) {
        const ok = await probe(pod, c, c.readinessProbe);
        if (ok) {
          st.successes++;
          st.failures = 0;
          if (st.successes >= (c.readinessProbe.successThreshold ?? 1)) st.ready = true;
        } else {
          st.failures++;
          st.successes = 0;
          if (st.failures >= (c.readinessProbe.failureThreshold ?? 3) || !st.ready) st.ready = false;
        }
        st.nextProbeAt = Date.now() + (c.readinessProbe.periodSeconds ?? 10) * 1000;
      }
      if (c.readinessProbe) nextWake = Math.min(nextWake, st.nextProbeAt - Date.now());
      if (c.livenessProbe && st.handle) {
        if (Date.now() >= st.nextLivenessAt) {
          const ok = await probe(pod, c, c.livenessProbe);
          st.livenessFailures = ok ? 0 : st.livenessFailures + 1;
          st.nextLivenessAt = Date.now() + (c.livenessProbe.periodSeconds ?? 10) * 1000;
          if (st.livenessFailures >= (c.livenessProbe.failureThreshold ?? 3)) {
            st.livenessFailures = 0;
            st.handle.kill('SIGKILL');
          }
        }
        nextWake = Math.min(nextWake, st.nextLivenessAt - Date.now());
      }
    }
    writeStatus(pod, state);
    return Number.isFinite(nextWake) ? { requeueAfterMs: Math.max(10, nextWake) } : undefined;
  }

  return {
    name: 'kubelet',
    watches: ['pods'],
    workers: 8,
    initialKeys: () => store.list(PODS).map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    reconcile,
    states,
  };
}
