import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  ApiException,
  CoreV1Api,
  Exec,
  type KubeConfig,
  type V1Pod,
  type V1Status,
  Watch,
} from '@kubernetes/client-node';
import { execLocal } from './local.js';
import { type ExecResult, type Vantage, type VantageProvider, VantageUnavailable } from './types.js';

/**
 * Pod and node vantages over the Kubernetes API: ONE probe pod per vantage (labelled with this run's id,
 * `nodeName` set; hostNetwork + privileged for node vantages), ONE watch until they run, exec over the
 * WebSocket `exec` subresource, ONE deletecollection by label at the end (also on error and on signals).
 */

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const RUN_ID = 'ingress-doctor/run-id';
/** A pinned public debugging image with curl, iputils ping, getent/dig and conntrack (linux/amd64+arm64). */
export const DEFAULT_PROBE_IMAGE = 'nicolaka/netshoot:v0.13';

export interface KubeVantageOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  image?: string;
  /** Keep the pods after the run (--keep-probe-pods). */
  keep?: boolean;
  /** How long to wait for the pods to run. */
  readyTimeoutMs?: number;
  runId?: string;
}

type Kind = 'pod' | 'node';

interface Pending {
  kind: Kind;
  node: string;
  name: string;
  vantage?: Vantage;
  error?: VantageUnavailable;
}

function podName(runId: string, kind: Kind, node: string): string {
  const safe = node
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 30)
    .replace(/-+$/, '');
  return `ingress-doctor-${runId}-${kind}-${safe}`.slice(0, 63).replace(/-+$/, '');
}

/** The probe pod as created: what a reviewer sees in `kubectl get pod -o yaml`. */
export function probePodSpec(o: {
  name: string;
  namespace: string;
  runId: string;
  kind: Kind;
  node: string;
  image: string;
}): V1Pod {
  const hostNetwork = o.kind === 'node';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { [MANAGED_BY]: 'ingress-doctor', [RUN_ID]: o.runId, 'ingress-doctor/vantage': o.kind },
    },
    spec: {
      nodeName: o.node,
      hostNetwork,
      dnsPolicy: hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
      restartPolicy: 'Never',
      // A safety net: even if nothing deletes it, the pod stops after 10 minutes.
      activeDeadlineSeconds: 600,
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: 'probe',
          image: o.image,
          command: ['sleep', '600'],
          securityContext: hostNetwork ? { privileged: true } : { capabilities: { add: ['NET_RAW'] } },
        },
      ],
    },
  };
}

function apiCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

function running(p: V1Pod | undefined): boolean {
  return p?.status?.phase === 'Running' && !!p.status.podIP;
}

export class KubeVantageProvider implements VantageProvider {
  readonly runId: string;
  private readonly core: CoreV1Api;
  private readonly image: string;
  private requests = 0;
  private readonly pods = new Map<string, Pending>();
  private created = false;
  private cleaned = false;
  /** Why the last cleanup failed, if it did. */
  cleanupError: string | undefined;
  /** Creates in flight: cleanup waits for them, or a pod created after the delete would be left behind. */
  private readonly inflight: Promise<unknown>[] = [];

  constructor(private readonly o: KubeVantageOptions) {
    this.runId = o.runId ?? randomBytes(3).toString('hex');
    this.core = o.kubeConfig.makeApiClient(CoreV1Api);
    this.image = o.image ?? DEFAULT_PROBE_IMAGE;
  }

  requestCount(): number {
    return this.requests;
  }

  local(): Vantage {
    return { id: 'local', kind: 'local', exec: (argv, opts) => execLocal(argv, opts) };
  }

  async pod(node: string): Promise<Vantage> {
    return this.one('pod', node);
  }

  async node(node: string): Promise<Vantage> {
    return this.one('node', node);
  }

  private async one(kind: Kind, node: string): Promise<Vantage> {
    const key = `${kind}@${node}`;
    if (!this.pods.has(key))
      await this.prepare(kind === 'pod' ? { pods: [node], nodes: [] } : { pods: [], nodes: [node] });
    const p = this.pods.get(key);
    if (p?.vantage) return p.vantage;
    throw p?.error ?? new VantageUnavailable(`probe pod for ${key} was not created`, 'error');
  }

  async prepare(wants: {
    pods: string[];
    nodes: string[];
  }): Promise<{ failed: { kind: Kind; node: string; error: VantageUnavailable }[] }> {
    const ns = this.o.namespace;
    const fresh: Pending[] = [];
    for (const [kind, list] of [
      ['pod', wants.pods],
      ['node', wants.nodes],
    ] as const) {
      for (const node of list) {
        const key = `${kind}@${node}`;
        if (this.pods.has(key)) continue;
        const p: Pending = { kind, node, name: podName(this.runId, kind, node) };
        this.pods.set(key, p);
        fresh.push(p);
      }
    }
    if (fresh.length > 0) {
      this.created = true;
      const byName = new Map(fresh.map((p) => [p.name, p]));
      const left = new Set(fresh.map((p) => p.name));
      let finish: () => void = () => {};
      const allRunning = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const markRunning = (pod: V1Pod | undefined) => {
        const name = pod?.metadata?.name;
        const p = name ? byName.get(name) : undefined;
        if (!p || !running(pod) || p.vantage) return;
        p.vantage = this.vantageFor(p, pod?.status?.podIP, pod?.status?.hostIP);
        left.delete(p.name);
        if (left.size === 0) finish();
      };
      const failPending = (p: Pending, e: VantageUnavailable) => {
        p.error ??= e;
        left.delete(p.name);
        if (left.size === 0) finish();
      };
      // ONE watch for every probe pod of this run, started before the creates so no transition is missed.
      const timeoutMs = this.o.readyTimeoutMs ?? 60_000;
      let abort: AbortController | undefined;
      this.requests++;
      try {
        abort = await new Watch(this.o.kubeConfig).watch(
          `/api/v1/namespaces/${ns}/pods`,
          { labelSelector: `${RUN_ID}=${this.runId}`, timeoutSeconds: Math.ceil(timeoutMs / 1000) },
          (type: string, obj: V1Pod) => {
            if (type === 'ADDED' || type === 'MODIFIED') {
              markRunning(obj);
              const phase = obj.status?.phase;
              const p = byName.get(obj.metadata?.name ?? '');
              if (p && !p.vantage && (phase === 'Failed' || phase === 'Succeeded')) {
                failPending(
                  p,
                  new VantageUnavailable(
                    `probe pod ${ns}/${p.name} ended (${phase}) before it could be used`,
                    'error',
                  ),
                );
              }
            }
          },
          () => finish(),
        );
      } catch (err) {
        const code = apiCode(err);
        const msg = `cannot watch pods in ${ns}${code ? ` (HTTP ${code})` : ''}: ${(err as Error).message}`;
        for (const p of fresh)
          failPending(p, new VantageUnavailable(msg, code === 403 ? 'forbidden' : 'error'));
      }
      const creates = Promise.all(
        fresh.map(async (p) => {
          if (p.error) return;
          this.requests++;
          try {
            const created = await this.core.createNamespacedPod({
              namespace: ns,
              body: probePodSpec({
                name: p.name,
                namespace: ns,
                runId: this.runId,
                kind: p.kind,
                node: p.node,
                image: this.image,
              }),
            });
            markRunning(created);
          } catch (err) {
            const code = apiCode(err);
            if (code === 403) {
              failPending(
                p,
                new VantageUnavailable(
                  `needs create pods in ${ns} (403 Forbidden): probe pods are not allowed`,
                  'forbidden',
                ),
              );
            } else {
              failPending(
                p,
                new VantageUnavailable(
                  `cannot create probe pod ${ns}/${p.name} on ${p.node}: ${code ? `HTTP ${code} ` : ''}${(err as Error).message.split('\n')[0]}`,
                  'error',
                ),
              );
            }
          }
        }),
      );
      this.inflight.push(creates);
      await creates;
      const timer = setTimeout(() => {
        for (const p of fresh) {
          if (!p.vantage)
            failPending(
              p,
              new VantageUnavailable(
                `probe pod ${ns}/${p.name} did not run within ${Math.round(timeoutMs / 1000)} s (image pull? node ${p.node} schedulable?)`,
                'timeout',
              ),
            );
        }
      }, timeoutMs);
      await allRunning;
      clearTimeout(timer);
      abort?.abort();
      for (const p of fresh) {
        if (!p.vantage && !p.error)
          p.error = new VantageUnavailable(`probe pod ${ns}/${p.name} did not become Running`, 'timeout');
      }
    }
    const failed = [...this.pods.values()]
      .filter((p) => p.error)
      .map((p) => ({ kind: p.kind, node: p.node, error: p.error as VantageUnavailable }));
    return { failed };
  }

  private vantageFor(p: Pending, podIP?: string, hostIP?: string): Vantage {
    const v: Vantage = {
      id: `${p.kind}@${p.node}`,
      kind: p.kind,
      nodeName: p.node,
      exec: (argv, opts) => this.exec(p.name, argv, opts.timeoutMs),
    };
    const ip = p.kind === 'node' ? (hostIP ?? podIP) : podIP;
    if (ip) v.ip = ip;
    return v;
  }

  /** exec over the API's WebSocket; the exit code comes from the status channel. Never throws. */
  private exec(pod: string, argv: string[], timeoutMs: number): Promise<ExecResult> {
    this.requests++;
    const started = Date.now();
    let stdout = '';
    let stderr = '';
    const sink = (append: (s: string) => void) =>
      new Writable({
        write(chunk, _enc, cb) {
          append(chunk.toString());
          cb();
        },
      });
    return new Promise<ExecResult>((resolve) => {
      let settled = false;
      let status: V1Status | undefined;
      const done = (r: Partial<ExecResult>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ exitCode: 0, stdout, stderr, durationMs: Date.now() - started, timedOut: false, ...r });
      };
      const exitOf = (s: V1Status | undefined): number => {
        if (!s || s.status === 'Success') return 0;
        const code = s.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
        return code && /^\d+$/.test(code) ? Number(code) : 1;
      };
      let socket: { close(): void; on(ev: string, fn: (...a: unknown[]) => void): void } | undefined;
      const timer = setTimeout(() => {
        socket?.close();
        done({ exitCode: 124, timedOut: true });
      }, timeoutMs);
      new Exec(this.o.kubeConfig)
        .exec(
          this.o.namespace,
          pod,
          'probe',
          argv,
          sink((s) => {
            stdout += s;
          }),
          sink((s) => {
            stderr += s;
          }),
          null,
          false,
          (s) => {
            status = s;
          },
        )
        .then((ws) => {
          socket = ws as unknown as typeof socket;
          ws.on('close', () => {
            // Let the last frames reach the sinks before resolving.
            setImmediate(() => done({ exitCode: exitOf(status) }));
          });
          ws.on('error', (e: Error) => done({ exitCode: 1, startError: `exec in ${pod}: ${e.message}` }));
        })
        .catch((err: unknown) => {
          const code = apiCode(err);
          done({
            exitCode: 126,
            startError: `exec in ${this.o.namespace}/${pod} failed${code ? ` (HTTP ${code}${code === 403 ? ': needs create pods/exec' : ''})` : ''}: ${(err as Error).message.split('\n')[0]}`,
          });
        });
    });
  }

  /** ONE deletecollection by this run's label (unless --keep-probe-pods). Idempotent. */
  async cleanup(): Promise<void> {
    if (this.cleaned || !this.created || this.o.keep) return;
    this.cleaned = true;
    await Promise.race([Promise.allSettled(this.inflight), new Promise((r) => setTimeout(r, 5000).unref())]);
    this.requests++;
    try {
      await this.core.deleteCollectionNamespacedPod({
        namespace: this.o.namespace,
        labelSelector: `${RUN_ID}=${this.runId}`,
        gracePeriodSeconds: 0,
      });
    } catch (err) {
      // activeDeadlineSeconds stops them anyway; the CLI prints the delete command.
      this.cleaned = false;
      this.cleanupError = (err as Error).message.split('\n')[0] ?? 'delete failed';
    }
  }

  /** The command that removes this run's pods by hand. */
  deleteCommand(): string {
    return `kubectl delete pods -n ${this.o.namespace} -l ${RUN_ID}=${this.runId}`;
  }
}
