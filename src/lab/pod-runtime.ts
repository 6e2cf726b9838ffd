import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import type { Ipam } from './lab.js';
import { podResolvConf } from './render/dns.js';
import { podWiringScript } from './render/network.js';
import type { PodRuntime } from './runtime.js';
import { type LabState, readState } from './state.js';
import { killPid, mustRun, netnsPids, waitGone } from './sys.js';
import { hostInCidr, podHostIface, podNetns } from './topology.js';
import { labPaths } from './workloads.js';

/** Addresses the runtime hands out to API-created pods (the lab's own pods sit at .10–.19). */
const FIRST_HOST = 20;
const LAST_HOST = 250;

function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

/**
 * The lab's PodRuntime: a pod created through the lab API becomes a network namespace on its node (veth to the
 * node's bridge, an address from the node's pod CIDR, the CNI's MTU, cluster DNS in its resolv.conf); exec runs
 * `ip netns exec <pod ns> argv` (the node's namespace for hostNetwork pods). Allocations live in ipam.json in
 * the state dir, so `lab down` and the next API process see them.
 */
export async function createNetnsPodRuntime(stateDir: string): Promise<PodRuntime> {
  const state = await readState(stateDir);
  if (!state) throw new Error(`no lab state in ${stateDir} (is the lab up?)`);
  return new NetnsPodRuntime(state);
}

class NetnsPodRuntime implements PodRuntime {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly ipamFile: string;

  constructor(private readonly state: LabState) {
    this.ipamFile = labPaths(state.stateDir).ipam;
  }

  /** Serializes IPAM changes inside this process (the API server is the only writer after `up`). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readIpam(): Promise<Ipam> {
    try {
      return JSON.parse(await readFile(this.ipamFile, 'utf8')) as Ipam;
    } catch {
      return { allocations: [] };
    }
  }

  private async writeIpam(ipam: Ipam): Promise<void> {
    const tmp = `${this.ipamFile}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(ipam, null, 1));
    await rename(tmp, this.ipamFile);
  }

  private node(pod: V1Pod) {
    const wanted = pod.spec?.nodeName;
    const node = this.state.nodes.find((n) => n.name === wanted) ?? this.state.nodes[0];
    if (!node) throw new Error('the lab has no nodes');
    if (wanted && node.name !== wanted) throw new Error(`node "${wanted}" not found`);
    return node;
  }

  private netnsOf(pod: V1Pod): string {
    if (pod.spec?.hostNetwork) return this.node(pod).netns;
    return podNetns(this.state.name, pod.metadata?.namespace ?? 'default', pod.metadata?.name ?? '');
  }

  async startPod(pod: V1Pod): Promise<{ podIP: string; hostIP: string; nodeName: string }> {
    const node = this.node(pod);
    if (pod.spec?.hostNetwork) return { podIP: node.ip, hostIP: node.ip, nodeName: node.name };
    return this.serial(async () => {
      const ipam = await this.readIpam();
      const key = podKey(pod);
      const existing = ipam.allocations.find((a) => a.pod === key);
      if (existing) return { podIP: existing.ip, hostIP: node.ip, nodeName: node.name };
      const used = new Set(ipam.allocations.map((a) => a.ip));
      let ip: string | undefined;
      for (let h = FIRST_HOST; h <= LAST_HOST && !ip; h++) {
        const candidate = hostInCidr(node.podCidr, h);
        if (!used.has(candidate)) ip = candidate;
      }
      if (!ip) throw new Error(`node ${node.name} has no free pod address in ${node.podCidr}`);
      const netns = this.netnsOf(pod);
      const hostIface = podHostIface(pod.metadata?.namespace ?? 'default', pod.metadata?.name ?? '');
      // Record first: if wiring fails half-way, `lab down` still finds the namespace by its prefix.
      ipam.allocations.push({ ip, node: node.name, pod: key, netns, hostIface });
      await this.writeIpam(ipam);
      const etcDir = path.join('/etc/netns', netns);
      await mkdir(etcDir, { recursive: true });
      await writeFile(path.join(etcDir, 'resolv.conf'), podResolvConf(pod.metadata?.namespace ?? 'default'));
      try {
        await mustRun(
          'bash',
          [
            '-c',
            `set -e\n${podWiringScript({ netns, nodeNetns: node.netns, hostIface, ip, gateway: node.gateway, prefix: 24, mtu: this.state.podMtu })}`,
          ],
          {
            timeoutMs: 15_000,
          },
        );
      } catch (err) {
        await this.teardown(netns, hostIface, node.netns, ip);
        ipam.allocations = ipam.allocations.filter((a) => a.pod !== key);
        await this.writeIpam(ipam);
        throw err;
      }
      return { podIP: ip, hostIP: node.ip, nodeName: node.name };
    });
  }

  private async teardown(netns: string, hostIface: string, nodeNetns: string, ip?: string): Promise<void> {
    const pids = await netnsPids(netns);
    for (const pid of pids) killPid(pid);
    await waitGone(pids, 2000);
    // A pod created later may get the same IP with a new MAC: forget the old neighbour entry on every node,
    // or traffic to the new pod goes to the dead MAC until the entry expires (~30 s).
    const flush = ip
      ? this.state.nodes.map((n) => `ip -n ${n.netns} neigh flush to ${ip} 2>/dev/null || true`).join('; ')
      : 'true';
    await mustRun('bash', [
      '-c',
      `ip netns del ${netns} 2>/dev/null || true; ip -n ${nodeNetns} link del ${hostIface} 2>/dev/null || true; ${flush}`,
    ]).catch(() => undefined);
    await rm(path.join('/etc/netns', netns), { recursive: true, force: true });
  }

  stopPod(pod: V1Pod): Promise<void> {
    if (pod.spec?.hostNetwork) return Promise.resolve();
    return this.serial(async () => {
      const ipam = await this.readIpam();
      const key = podKey(pod);
      const alloc = ipam.allocations.find((a) => a.pod === key);
      const node =
        this.state.nodes.find((n) => n.name === (alloc?.node ?? pod.spec?.nodeName)) ?? this.state.nodes[0];
      await this.teardown(
        alloc?.netns ?? this.netnsOf(pod),
        alloc?.hostIface ?? podHostIface(pod.metadata?.namespace ?? 'default', pod.metadata?.name ?? ''),
        node?.netns ?? '',
        alloc?.ip,
      );
      if (alloc) {
        ipam.allocations = ipam.allocations.filter((a) => a.pod !== key);
        await this.writeIpam(ipam);
      }
    });
  }

  exec(pod: V1Pod, argv: string[], opts: { tty: boolean }): ChildProcess {
    const netns = this.netnsOf(pod);
    const env: NodeJS.ProcessEnv = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: '/root',
      HOSTNAME: pod.metadata?.name ?? '',
      KUBERNETES_SERVICE_HOST: '198.18.128.1',
      KUBERNETES_SERVICE_PORT: '443',
      ...(opts.tty ? { TERM: 'xterm' } : {}),
    };
    return spawn('ip', ['netns', 'exec', netns, ...argv], { stdio: 'pipe', env, cwd: '/' });
  }
}
