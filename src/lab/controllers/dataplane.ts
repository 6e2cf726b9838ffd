import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Registry } from '../api/registry.js';
import { resourceNamed } from '../api/resources.js';
import { fillConntrack } from '../conntrack.js';
import type { Infra } from '../model.js';
import { IMAGES, NAMES } from '../objects.js';
import { clusterZone, publicZone } from '../render/dns.js';
import { renderHaproxyCfg } from '../render/haproxy.js';
import { renderNodeIptables } from '../render/kube-proxy.js';
import { renderUnderlayNft } from '../render/network.js';
import { renderNginxConf } from '../render/nginx.js';
import { runCommand } from '../sys.js';
import { CLUSTER, IFACE, INTERNET, NODES } from '../topology.js';
import { labPaths, loadBalancerProcess, nginxPidFile, publicDnsProcess } from '../workloads.js';
import { Daemon, type LabContext, labModel } from './lab-context.js';
import type { Reconciler } from './runtime.js';

const find = resourceNamed;
const PODS = find('pods');
const SERVICES = find('services');
const INGRESSES = find('ingresses');

/** Writes a file only when its content changes (atomically); true when it did. */
async function writeIfChanged(file: string, text: string): Promise<boolean> {
  const before = await readFile(file, 'utf8').catch(() => undefined);
  if (before === text) return false;
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
  return true;
}

/**
 * A node's netfilter rules (key: the node): kube-proxy's chains from Services and EndpointSlices (NodePorts,
 * ClusterIPs, endpoint DNAT), Calico's policy chains from NetworkPolicies, and the infrastructure's firewall, as
 * one `iptables-restore` of the node's tables (atomic: a packet never meets half the rules).
 */
export function nodeNetfilterController(ctx: LabContext, registry: Registry): Reconciler {
  const applied = new Map<string, string>();
  const dir = labPaths(ctx.layout.stateDir).netfilterDir;
  return {
    name: 'node-netfilter',
    watches: [
      'services',
      'endpointslices.discovery.k8s.io',
      'networkpolicies.networking.k8s.io',
      'pods',
      'namespaces',
    ],
    keys: () => NODES.map((n) => n.name),
    initialKeys: () => NODES.map((n) => n.name),
    async reconcile(nodeName) {
      const node = NODES.find((n) => n.name === nodeName);
      if (!node) return;
      const rules = renderNodeIptables(labModel(ctx, registry.store), node);
      if (applied.get(nodeName) === rules) return;
      const netns = ctx.layout.names.nodes[nodeName] as string;
      const file = path.join(dir, `${netns}.iptables`);
      await writeFile(file, rules);
      const r = await runCommand('nsenter', [`--net=/run/netns/${netns}`, 'iptables-restore', file], {
        timeoutMs: 15_000,
      });
      if (r.code !== 0)
        throw new Error(`iptables-restore on ${nodeName} failed: ${r.stderr.trim().slice(-500)}`);
      applied.set(nodeName, rules);
    },
  };
}

/**
 * ingress-nginx (key: one, the controller): nginx.conf from the Ingresses of its class, its ConfigMap and the
 * EndpointSlices, checked with `nginx -t` and reloaded (SIGHUP to every controller pod's nginx); the Ingresses'
 * status gets the address of the controller's Service (`--publish-service`).
 */
export function ingressNginxController(ctx: LabContext, registry: Registry): Reconciler {
  const store = registry.store;
  const p = labPaths(ctx.layout.stateDir);
  return {
    name: 'ingress-nginx',
    watches: [
      'ingresses.networking.k8s.io',
      'ingressclasses.networking.k8s.io',
      'services',
      'endpointslices.discovery.k8s.io',
      'configmaps',
      'pods',
    ],
    keys: () => ['ingress-nginx'],
    initialKeys: () => ['ingress-nginx'],
    async reconcile() {
      const model = labModel(ctx, store);
      const conf = renderNginxConf(model.objects, {
        prefix: p.nginxDir,
        errorLog: path.join(p.logs, 'nginx-error.log'),
        accessLog: path.join(p.logs, 'nginx-access.log'),
        tempDir: path.join(p.nginxDir, 'tmp'),
      });
      const before = await readFile(p.nginxConf, 'utf8').catch(() => undefined);
      if (before !== conf) {
        const candidate = `${p.nginxConf}.new`;
        await writeFile(candidate, conf);
        const test = await runCommand(
          'nginx',
          [
            '-t',
            '-q',
            '-e',
            path.join(p.logs, 'nginx-error.log'),
            '-p',
            p.nginxDir,
            '-c',
            candidate,
            '-g',
            `pid ${path.join(p.nginxDir, 'test.pid')};`,
          ],
          { timeoutMs: 10_000 },
        );
        if (test.code !== 0)
          throw new Error(`nginx -t refused the rendered configuration: ${test.stderr.trim().slice(-500)}`);
        await rename(candidate, p.nginxConf);
      }
      // Reload every controller pod's nginx (a new pod starts with the file as it is).
      const controllers = store
        .list(PODS, NAMES.controllerNamespace)
        .filter((pod) =>
          ((pod.spec as { containers?: { image?: string }[] }).containers ?? []).some(
            (c) => c.image === IMAGES.controller,
          ),
        );
      if (before !== conf) {
        for (const pod of controllers) {
          const pidFile = nginxPidFile(ctx.layout.stateDir, `${pod.metadata.namespace}/${pod.metadata.name}`);
          const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
          if (pid > 0) {
            try {
              process.kill(pid, 'SIGHUP');
            } catch {
              // not running (yet): it reads the new file when it starts
            }
          }
        }
      }
      // Ingress status: the published Service's load-balancer address.
      const svc = store.get(SERVICES, NAMES.controllerNamespace, NAMES.controllerService);
      const lb = (
        (svc?.status as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer
          ?.ingress ?? []
      ).map((i) => ({ ip: i.ip }));
      for (const ing of store.list(INGRESSES)) {
        const cls =
          (ing.spec as { ingressClassName?: string } | undefined)?.ingressClassName ??
          ing.metadata.annotations?.['kubernetes.io/ingress.class'];
        if (cls !== undefined && cls !== NAMES.ingressClass) continue;
        const status = { loadBalancer: lb.length ? { ingress: lb } : {} };
        registry.update(
          INGRESSES,
          ing.metadata.namespace,
          ing.metadata.name,
          { ...structuredClone(ing), status },
          { manager: 'nginx-ingress-controller' },
          'status',
        );
      }
    },
  };
}

/**
 * The cloud's load-balancer controller (key: one): Services of type LoadBalancer get a public address (status),
 * haproxy is configured from them (listeners, NodePort targets, the health check from the Service annotations) and
 * reloaded; the address is put on the LB's public interface.
 */
export function loadBalancerController(ctx: LabContext, registry: Registry): Reconciler & { daemon: Daemon } {
  const store = registry.store;
  const p = labPaths(ctx.layout.stateDir);
  const daemon = new Daemon(loadBalancerProcess(ctx.layout));
  const statsSocket = Buffer.byteLength(p.haproxySocket) < 100 ? p.haproxySocket : undefined;
  const pool = Array.from({ length: 9 }, (_, i) => `198.19.0.${i + 1}`);
  const addresses = new Set<string>([INTERNET.lbPublic]);
  return {
    name: 'service-lb',
    daemon,
    watches: ['services'],
    keys: () => ['lb'],
    initialKeys: () => ['lb'],
    async reconcile() {
      const lbServices = store
        .list(SERVICES)
        .filter((s) => (s.spec as { type?: string }).type === 'LoadBalancer');
      const taken = new Set(
        lbServices.flatMap((s) =>
          (
            (s.status as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer
              ?.ingress ?? []
          ).map((i) => i.ip),
        ),
      );
      // The ingress controller's Service first, so it keeps the lab's well-known address.
      const ordered = [...lbServices].sort((a, b) => {
        const rank = (s: typeof a) =>
          s.metadata.namespace === NAMES.controllerNamespace && s.metadata.name === NAMES.controllerService
            ? 0
            : 1;
        return (
          rank(a) - rank(b) ||
          String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp))
        );
      });
      for (const svc of ordered) {
        const st = (svc.status ?? {}) as { loadBalancer?: { ingress?: { ip?: string }[] } };
        if (st.loadBalancer?.ingress?.length) continue;
        const ip = pool.find((a) => !taken.has(a));
        if (!ip) continue;
        taken.add(ip);
        registry.update(
          SERVICES,
          svc.metadata.namespace,
          svc.metadata.name,
          { ...structuredClone(svc), status: { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } } },
          { manager: 'service-controller' },
          'status',
        );
      }
      for (const ip of taken) {
        if (!ip || addresses.has(ip)) continue;
        await runCommand('ip', ['-n', ctx.layout.names.lb, 'addr', 'add', `${ip}/24`, 'dev', 'pub0'], {
          timeoutMs: 5000,
        });
        addresses.add(ip);
      }
      const cfg = renderHaproxyCfg(labModel(ctx, store).objects, { statsSocket });
      const changed = await writeIfChanged(p.haproxyCfg, cfg);
      if (!daemon.ensure() && changed) daemon.signal('SIGUSR2');
    },
  };
}

/**
 * DNS (key: one): the cluster zone (CoreDNS's kubernetes plugin: Services, pods) and the public zone (what
 * external-dns would publish: the LBs' addresses for the public hosts, unless the infrastructure lies), written as
 * files the DNS servers reload; the public resolver is started here.
 */
export function dnsController(ctx: LabContext, registry: Registry): Reconciler & { daemon: Daemon } {
  const p = labPaths(ctx.layout.stateDir);
  const daemon = new Daemon(publicDnsProcess(ctx.layout));
  return {
    name: 'dns',
    daemon,
    watches: ['services', 'endpointslices.discovery.k8s.io', 'pods'],
    keys: () => ['zones'],
    initialKeys: () => ['zones'],
    async reconcile() {
      const model = labModel(ctx, registry.store);
      await writeIfChanged(p.clusterZone, JSON.stringify(clusterZone(model.objects, model.infra, ctx.name)));
      await writeIfChanged(p.publicZone, JSON.stringify(publicZone(model.objects, model.infra, ctx.name)));
      if (existsSync(p.publicZone)) daemon.ensure();
    },
  };
}

/**
 * The infrastructure under the cluster (key: one), for changes made while the lab runs: the VXLAN device (MTU,
 * bound to the underlay or not), the underlay's fragment filter, an MTU forced on the pods' interfaces, a node's
 * conntrack table filled or emptied. What `lab up` built is taken as applied.
 */
export function infraController(ctx: LabContext, registry: Registry, applied: Infra): Reconciler {
  const names = ctx.layout.names;
  const p = labPaths(ctx.layout.stateDir);
  return {
    name: 'infra',
    watches: [],
    initialKeys: () => ['infra'],
    async reconcile() {
      const want = ctx.infra();
      const script: string[] = ['set -e'];
      if (
        want.overlay.mtu !== applied.overlay.mtu ||
        want.overlay.boundToDevice !== applied.overlay.boundToDevice
      ) {
        for (const node of NODES) {
          const ns = names.nodes[node.name] as string;
          const remote = NODES.find((x) => x.name !== node.name)?.ip ?? node.ip;
          script.push(
            `ip -n ${ns} link del ${IFACE.overlay} 2>/dev/null || true`,
            `ip -n ${ns} link add ${IFACE.overlay} address ${node.vxlanMac} mtu ${want.overlay.mtu} type vxlan id ${CLUSTER.vxlanId} local ${node.ip} remote ${remote}${want.overlay.boundToDevice ? ' dev eth0' : ''} dstport ${CLUSTER.vxlanPort} nolearning`,
            `ip -n ${ns} addr add ${node.overlayIP}/32 dev ${IFACE.overlay}`,
            `ip -n ${ns} link set ${IFACE.overlay} up`,
          );
          for (const peer of NODES) {
            if (peer.name === node.name) continue;
            script.push(
              `ip -n ${ns} neigh replace ${peer.overlayIP} lladdr ${peer.vxlanMac} dev ${IFACE.overlay} nud permanent`,
              `ip -n ${ns} route replace ${peer.podCidr} via ${peer.overlayIP} dev ${IFACE.overlay} onlink`,
            );
          }
        }
      }
      if (want.underlayDropsFragments !== applied.underlayDropsFragments) {
        const nft = renderUnderlayNft(want);
        script.push(
          `nsenter --net=/run/netns/${names.net} nft delete table bridge underlay 2>/dev/null || true`,
        );
        if (nft) {
          const f = path.join(p.netfilterDir, `${names.net}.nft`);
          await writeFile(f, nft);
          script.push(`nsenter --net=/run/netns/${names.net} nft -f ${f}`);
        }
      }
      if (want.podMtu !== applied.podMtu) {
        const ipam = JSON.parse(await readFile(p.ipam, 'utf8').catch(() => '{"allocations":[]}')) as {
          allocations: { netns: string; node: string; hostIface: string; mtu?: number }[];
        };
        for (const a of ipam.allocations) {
          const mtu = want.podMtu ?? a.mtu ?? 1450;
          const nodeNs = names.nodes[a.node] as string;
          script.push(
            `ip -n ${a.netns} link set eth0 mtu ${mtu} 2>/dev/null || true`,
            `ip -n ${nodeNs} link set ${a.hostIface} mtu ${mtu} 2>/dev/null || true`,
          );
        }
      }
      if (script.length > 1) {
        // Path-MTU exceptions learnt under the old MTUs would linger.
        for (const node of NODES) script.push(`ip -n ${names.nodes[node.name]} route flush cache`);
        const r = await runCommand('bash', ['-c', script.join('\n')], { timeoutMs: 30_000 });
        if (r.code !== 0) throw new Error(`infrastructure change failed: ${r.stderr.trim().slice(-500)}`);
        // A new MTU only reaches new TCP connections (an established one keeps its MSS): the proxies reconnect,
        // so the next requests meet the path as it is now (nginx and haproxy reload, finishing requests in flight).
        await reloadProxies(ctx, registry);
      }
      const fillNode = want.conntrackFill?.node;
      if (fillNode !== applied.conntrackFill?.node) {
        if (applied.conntrackFill) {
          await runCommand(
            'nsenter',
            [`--net=/run/netns/${names.nodes[applied.conntrackFill.node]}`, 'conntrack', '-F'],
            { timeoutMs: 30_000 },
          );
        }
        if (fillNode) {
          const node = NODES.find((n) => n.name === fillNode);
          if (node) await fillConntrack(names.nodes[fillNode] as string, node.ip, ctx.layout.stateDir);
        }
      }
      Object.assign(applied, structuredClone(want));
      if (want.podMtu === undefined) delete applied.podMtu;
      if (want.conntrackFill === undefined) applied.conntrackFill = undefined;
    },
  };
}

async function reloadProxies(ctx: LabContext, registry: Registry): Promise<void> {
  const pids: number[] = [];
  for (const pod of registry.store.list(PODS, NAMES.controllerNamespace)) {
    const pid = Number(
      (
        await readFile(
          nginxPidFile(ctx.layout.stateDir, `${pod.metadata.namespace}/${pod.metadata.name}`),
          'utf8',
        ).catch(() => '')
      ).trim(),
    );
    if (pid > 0) pids.push(pid);
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGHUP');
    } catch {
      // gone
    }
  }
  const lb = Number(
    (await readFile(path.join(ctx.layout.stateDir, 'haproxy.pid'), 'utf8').catch(() => '')).trim(),
  );
  if (lb > 0) {
    try {
      process.kill(lb, 'SIGUSR2');
    } catch {
      // gone
    }
  }
  // haproxy's new worker checks the nodes from scratch before it forwards again.
  await new Promise((r) => setTimeout(r, 600));
}
