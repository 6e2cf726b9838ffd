import { rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { Registry } from './api/registry.js';
import { resourceNamed } from './api/resources.js';
import { type LabApi, type LabApiOptions, startLabApi } from './api/server.js';
import type { KubeObject } from './api/store.js';
import {
  dnsController,
  infraController,
  ingressNginxController,
  loadBalancerController,
  nodeNetfilterController,
} from './controllers/dataplane.js';
import { endpointsController } from './controllers/endpoints.js';
import { kubeletController } from './controllers/kubelet.js';
import type { LabContext } from './controllers/lab-context.js';
import { namespaceController } from './controllers/namespace.js';
import { ControllerManager } from './controllers/runtime.js';
import { labObjects } from './controllers/snapshot.js';
import {
  daemonSetController,
  deploymentController,
  garbageCollector,
  replicaSetController,
  schedulerController,
} from './controllers/workloads.js';
import { FaultBook } from './fault-book.js';
import type { Infra } from './model.js';
import { podMtu } from './render/cni.js';
import type { PodRuntime } from './runtime.js';
import { CLUSTER, NODES } from './topology.js';

const find = resourceNamed;
const PODS = find('pods');
const DEPLOYMENTS = find('deployments');
const DAEMONSETS = find('daemonsets');
const SECRETS = find('secrets');
const CONFIGMAPS = find('configmaps');

/**
 * The lab's control plane in one process: the API server (store + registry) and the controllers that keep the
 * objects in step with each other and, in a lab, with the data plane (the kubelet of every node, kube-proxy and
 * Calico rules, ingress-nginx, the cloud LB, DNS).
 */
export interface ControlPlane {
  api: LabApi;
  registry: Registry;
  controllers: ControllerManager;
  close(): Promise<void>;
}

export interface LabPlane {
  ctx: LabContext;
  infra: Infra;
  spread: boolean;
}

/** Has every workload of the lab the replicas it wants, ready, and nothing terminating? */
export function converged(registry: Registry): { converged: boolean; waiting: string[] } {
  const store = registry.store;
  const waiting: string[] = [];
  for (const d of store.list(DEPLOYMENTS)) {
    const st = (d.status ?? {}) as {
      observedGeneration?: number;
      availableReplicas?: number;
      updatedReplicas?: number;
      replicas?: number;
    };
    const want = Number((d.spec as { replicas?: number }).replicas ?? 1);
    if (
      (st.observedGeneration ?? 0) < Number(d.metadata.generation ?? 1) ||
      (st.availableReplicas ?? 0) < want ||
      (st.updatedReplicas ?? 0) < want ||
      (st.replicas ?? 0) > want
    )
      waiting.push(`deployment ${d.metadata.namespace}/${d.metadata.name}`);
  }
  for (const ds of store.list(DAEMONSETS)) {
    const st = (ds.status ?? {}) as { desiredNumberScheduled?: number; currentNumberScheduled?: number };
    if ((st.currentNumberScheduled ?? 0) < (st.desiredNumberScheduled ?? 1))
      waiting.push(`daemonset ${ds.metadata.namespace}/${ds.metadata.name}`);
  }
  for (const p of store.list(PODS))
    if (p.metadata.deletionTimestamp)
      waiting.push(`pod ${p.metadata.namespace}/${p.metadata.name} terminating`);
  return { converged: waiting.length === 0, waiting };
}

export async function startControlPlane(
  opts: LabApiOptions & {
    caCert: string;
    lab?: LabPlane;
    /** Without the workload controllers (deployment, replicaset, daemonset): the API's own tests on fixtures. */
    apiOnly?: boolean;
  },
): Promise<ControlPlane & { control?: Server }> {
  const store = opts.store;
  const registry = opts.registry ?? new Registry(store, { serviceCidr: CLUSTER.serviceCidr });
  const api = await startLabApi({ ...opts, registry });
  const controllers = new ControllerManager(store);
  const wake = (name: string) => (key: string) => controllers.enqueue(name, key);
  controllers.add(namespaceController(registry, opts.caCert)).add(garbageCollector(registry));
  if (!opts.apiOnly)
    controllers
      .add(deploymentController(registry))
      .add(replicaSetController(registry))
      .add(daemonSetController(registry));
  controllers
    .add(
      schedulerController(registry, {
        spread: opts.lab?.spread ?? false,
        systemNamespaces: ['kube-system', 'ingress-nginx', 'nginx-gateway'],
      }),
    )
    .add(endpointsController(registry));
  const runtime: PodRuntime = opts.runtime;
  const kubelet = kubeletController({
    registry,
    runtime,
    nodes: () => NODES.map((n) => n.name),
    wake: wake('kubelet'),
    // Pods seeded already running (API test fixtures) are someone else's: the kubelet leaves them alone.
    unmanaged: (pod: KubeObject) =>
      store.isSeeded(PODS, pod.metadata.namespace, pod.metadata.name) &&
      Boolean((pod.status as { podIP?: string } | undefined)?.podIP),
  });
  controllers.add(kubelet);
  let daemons: { stop(): void }[] = [];
  let publisher: NodeJS.Timeout | undefined;
  let control: Server | undefined;
  if (opts.lab) {
    const ctx = opts.lab.ctx;
    const lb = loadBalancerController(ctx, registry);
    const dns = dnsController(ctx, registry);
    daemons = [lb.daemon, dns.daemon];
    controllers
      .add(nodeNetfilterController(ctx, registry))
      .add(ingressNginxController(ctx, registry))
      .add(lb)
      .add(dns)
      .add(infraController(ctx, registry, structuredClone(opts.lab.infra)));
    const faults = new FaultBook(ctx, opts.lab.infra, registry, controllers);
    await faults.load();
    control = await startControlSocket(
      path.join(ctx.layout.stateDir, 'control.sock'),
      registry,
      controllers,
      faults,
    );
    // The processes this control plane runs, for `lab status` and `lab down` (which also sweeps the namespaces).
    const file = path.join(ctx.layout.stateDir, 'runtime.json');
    let last = '';
    publisher = setInterval(() => {
      const processes = [
        ...(lb.daemon.pid ? [{ role: 'load-balancer', pid: lb.daemon.pid }] : []),
        ...(dns.daemon.pid ? [{ role: 'public-dns', pid: dns.daemon.pid }] : []),
        ...[...kubelet.states.entries()].flatMap(([key, st]) =>
          [...st.containers.entries()].flatMap(([c, cs]) =>
            cs.handle ? [{ role: `pod ${key} ${c}`, pid: cs.handle.pid }] : [],
          ),
        ),
      ].map((p) => ({ ...p, cmdlineMatch: ctx.layout.stateDir }));
      const text = JSON.stringify({ processes }, null, 1);
      if (text === last) return;
      last = text;
      void writeFile(`${file}.tmp`, text)
        .then(() => rename(`${file}.tmp`, file))
        .catch(() => {});
    }, 250);
    publisher.unref();
  }
  controllers.start();
  return {
    api,
    registry,
    controllers,
    control,
    async close() {
      if (publisher) clearInterval(publisher);
      controllers.stop();
      control?.close();
      await api.close();
      // The pods this kubelet runs stop with it (the lab's `down` removes what is left).
      await Promise.allSettled(
        [...kubelet.states.keys()].map(async (key) => {
          const [ns, name] = key.split('/');
          const pod = store.get(PODS, ns, name as string);
          const st = kubelet.states.get(key);
          for (const c of st?.containers.values() ?? []) c.handle?.kill('SIGKILL');
          if (pod) await runtime.stopPod(pod as unknown as V1Pod);
        }),
      );
      for (const d of daemons) d.stop();
    },
  };
}

/** Volume files of a pod from the API's Secrets and ConfigMaps (what the kubelet mounts). */
export function volumeFiles(
  registry: Registry,
  pod: V1Pod,
  volume: string,
): Record<string, Buffer> | undefined {
  const v = pod.spec?.volumes?.find((x) => x.name === volume);
  const ns = pod.metadata?.namespace ?? 'default';
  if (v?.secret?.secretName) {
    const secret = registry.store.get(SECRETS, ns, v.secret.secretName);
    const data = (secret?.data ?? {}) as Record<string, string>;
    return Object.fromEntries(Object.entries(data).map(([k, b64]) => [k, Buffer.from(b64, 'base64')]));
  }
  if (v?.configMap?.name) {
    const cm = registry.store.get(CONFIGMAPS, ns, v.configMap.name);
    const data = (cm?.data ?? {}) as Record<string, string>;
    return Object.fromEntries(Object.entries(data).map(([k, s]) => [k, Buffer.from(s)]));
  }
  return undefined;
}

/** The pods' MTU from the CNI's ConfigMap (new pods get it), as Calico's installer reads it. */
export function cniMtu(registry: Registry, underlayMtu: number): number {
  return podMtu(labObjects(registry.store), underlayMtu);
}

/**
 * The lab's control socket (a unix socket in the state directory, root only): `lab up` waits on it for the lab
 * to converge; `lab status` and `lab fault` talk to it. Not part of the Kubernetes API.
 */
async function startControlSocket(
  file: string,
  registry: Registry,
  controllers: ControllerManager,
  faults: FaultBook,
): Promise<Server> {
  await rm(file, { force: true });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    const fault = /^\/faults(?:\/([^/]+))?$/.exec(url.pathname);
    if (fault) {
      const run = async () => {
        if (req.method === 'GET' && !fault[1]) return send(200, { faults: faults.list() });
        if (req.method === 'POST' && !fault[1]) {
          let body = '';
          for await (const chunk of req) body += chunk;
          const spec = String((JSON.parse(body || '{}') as { spec?: string }).spec ?? '');
          return send(200, await faults.add(spec));
        }
        if (req.method === 'DELETE' && fault[1])
          return send(200, await faults.remove(decodeURIComponent(fault[1])));
        return send(405, { error: `${req.method} ${url.pathname} is not served` });
      };
      run().catch((err: unknown) =>
        send((err as { code?: number }).code ?? 500, { error: (err as Error).message }),
      );
      return;
    }
    if (url.pathname === '/converged') {
      const deadline = Date.now() + Number(url.searchParams.get('timeoutMs') ?? 0);
      const poll = async () => {
        await controllers.idle();
        const c = converged(registry);
        if (c.converged || Date.now() >= deadline) return send(200, c);
        setTimeout(poll, 25);
      };
      void poll();
      return;
    }
    send(404, { error: `unknown path ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(file, resolve));
  return server;
}
