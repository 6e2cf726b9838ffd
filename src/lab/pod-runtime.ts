import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { V1Container, V1Pod, V1Probe } from '@kubernetes/client-node';
import { resolveTargetPort } from './endpoints.js';
import { podResolvConf } from './render/dns.js';
import { podWiringScript } from './render/network.js';
import type { ContainerHandle, PodRuntime } from './runtime.js';
import { type LabState, readState } from './state.js';
import { killPid, mustRun, netnsPids, runCommand, waitGone } from './sys.js';
import { hostInCidr, podHostIface, podNetns } from './topology.js';
import { containerProcess, type Layout, labPaths } from './workloads.js';

/** IP allocations per node (the CNI's IPAM state, shared with `lab down` and the tests' helpers). */
export interface Ipam {
  allocations: { ip: string; node: string; pod: string; netns: string; hostIface: string; mtu?: number }[];
}

/** What the runtime needs from the control plane besides the state: volume contents, the MTU, kube-proxy's fate. */
export interface RuntimeHooks {
  layout: Layout;
  /** Files of a pod's volume (Secret or ConfigMap), by file name; undefined when the volume has no files. */
  volumeFiles(pod: V1Pod, volume: string): Record<string, Buffer> | undefined;
  /** The MTU the CNI gives a new pod. */
  podMtu(): number;
  /** kube-proxy cannot run on this node (the kube-proxy-down fault): its container crash-loops. */
  kubeProxyDown(node: string): boolean;
}

/** Addresses the runtime hands out to API-created pods (the lab's own pods sit at .10–.19). */
const FIRST_HOST = 10;
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
export async function createNetnsPodRuntime(stateDir: string, hooks?: RuntimeHooks): Promise<PodRuntime> {
  const state = await readState(stateDir);
  if (!state) throw new Error(`no lab state in ${stateDir} (is the lab up?)`);
  return new NetnsPodRuntime(state, hooks);
}

/** Listening sockets of a process's network namespace, from /proc (no namespace hop, no process spawned). */
async function listening(pid: number, proto: 'tcp' | 'udp', port: number): Promise<boolean> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of proto === 'tcp' ? ['tcp', 'tcp6'] : ['udp', 'udp6']) {
    const text = await readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1] ?? '';
      // TCP LISTEN is state 0A; a bound UDP socket is 07.
      if (local.endsWith(`:${hex}`) && cols[3] === (proto === 'tcp' ? '0A' : '07')) return true;
    }
  }
  return false;
}

class NetnsPodRuntime implements PodRuntime {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly ipamFile: string;

  constructor(
    private readonly state: LabState,
    private readonly hooks?: RuntimeHooks,
  ) {
    this.ipamFile = labPaths(state.stateDir).ipam;
  }

  private async podIP(pod: V1Pod): Promise<string | undefined> {
    if (pod.spec?.hostNetwork) return this.node(pod).ip;
    if (pod.status?.podIP) return pod.status.podIP;
    return (await this.readIpam()).allocations.find((a) => a.pod === podKey(pod))?.ip;
  }

  async startContainer(pod: V1Pod, c: V1Container): Promise<ContainerHandle | undefined> {
    const hooks = this.hooks;
    if (!hooks) return undefined;
    const node = this.node(pod);
    const netns = this.netnsOf(pod);
    const logFile = path.join(
      labPaths(this.state.stateDir).logs,
      `${pod.metadata?.namespace}_${pod.metadata?.name}_${c.name}.log`,
    );
    let argv: string[] | undefined;
    let env: Record<string, string> = {};
    let listens: { proto: 'tcp' | 'udp'; port: number }[] = [];
    if (c.image?.startsWith('registry.k8s.io/kube-proxy:')) {
      // kube-proxy's work is the node's rules (the control plane renders them); when it is "down" the container
      // exits at once, so the kubelet's restart back-off makes it CrashLoopBackOff like a broken kube-proxy.
      if (!hooks.kubeProxyDown(node.name)) return undefined;
      argv = [
        'sh',
        '-c',
        'echo "E kube-proxy: failed to start: iptables programming failed on this node" >&2; exit 1',
      ];
    } else {
      const uid = pod.metadata?.uid ?? 'pod';
      const dirs = new Map<string, string>();
      for (const m of c.volumeMounts ?? []) {
        const files = hooks.volumeFiles(pod, m.name);
        if (!files) continue;
        const dir = path.join(this.state.stateDir, 'pods', uid, 'volumes', m.name);
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await Promise.all(
          Object.entries(files).map(([f, data]) => writeFile(path.join(dir, f), data, { mode: 0o600 })),
        );
        dirs.set(m.name, dir);
      }
      const spec = containerProcess(pod, c, hooks.layout, netns, (v) => dirs.get(v));
      if (!spec) return undefined;
      argv = spec.argv;
      env = spec.env;
      listens = spec.listens;
    }
    await mkdir(path.dirname(logFile), { recursive: true });
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', ...argv], {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
        cwd: '/',
      });
    } finally {
      closeSync(fd);
    }
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.on('exit', (code, signal) => resolve({ code, signal }));
      child.on('error', () => resolve({ code: 127, signal: null }));
    });
    const pid = child.pid ?? -1;
    let done = false;
    void exited.then(() => {
      done = true;
    });
    // The container counts as started once it listens (what its readiness probe then checks), bounded.
    const deadline = Date.now() + 10_000;
    while (!done && listens.length && Date.now() < deadline) {
      const ok = await Promise.all(listens.map((l) => listening(pid, l.proto, l.port)));
      if (ok.every(Boolean)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return {
      pid,
      exited,
      kill: (signal) => {
        if (!done && pid > 0) killPid(pid, signal);
      },
    };
  }

  async probe(pod: V1Pod, c: V1Container, p: V1Probe): Promise<boolean> {
    const timeoutS = p.timeoutSeconds ?? 1;
    const nodeNs = this.node(pod).netns;
    const ip = await this.podIP(pod);
    const portOf = (v: unknown) =>
      resolveTargetPort({ port: 0, targetPort: v as number | string }, {
        spec: { containers: [c] },
      } as V1Pod);
    if (p.httpGet) {
      const port = portOf(p.httpGet.port);
      const host = p.httpGet.host ?? ip;
      if (!host || port === undefined) return false;
      const scheme = (p.httpGet.scheme ?? 'HTTP').toLowerCase();
      const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${p.httpGet.path ?? '/'}`;
      const headers = (p.httpGet.httpHeaders ?? []).flatMap((h) => ['-H', `${h.name}: ${h.value}`]);
      const r = await runCommand(
        'nsenter',
        [
          `--net=/run/netns/${nodeNs}`,
          'curl',
          '-sk',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          '--max-time',
          String(timeoutS),
          ...headers,
          url,
        ],
        { timeoutMs: timeoutS * 1000 + 2000 },
      );
      const code = Number(r.stdout.trim());
      return code >= 200 && code < 400;
    }
    if (p.tcpSocket) {
      const port = portOf(p.tcpSocket.port);
      const host = p.tcpSocket.host ?? ip;
      if (!host || port === undefined) return false;
      const r = await runCommand(
        'nsenter',
        [
          `--net=/run/netns/${nodeNs}`,
          'timeout',
          String(timeoutS),
          'bash',
          '--norc',
          '-c',
          `exec 3<>/dev/tcp/${host}/${port}`,
        ],
        {
          timeoutMs: timeoutS * 1000 + 2000,
        },
      );
      return r.code === 0;
    }
    if (p.exec?.command?.length) {
      const r = await runCommand('ip', ['netns', 'exec', this.netnsOf(pod), ...p.exec.command], {
        timeoutMs: timeoutS * 1000,
      });
      return r.code === 0;
    }
    return true;
  }

  async runHook(pod: V1Pod, argv: string[], timeoutMs: number): Promise<void> {
    await runCommand('ip', ['netns', 'exec', this.netnsOf(pod), ...argv], {
      timeoutMs: Math.max(1, timeoutMs),
    });
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
      const mtu = this.hooks?.podMtu() ?? this.state.podMtu;
      ipam.allocations.push({ ip, node: node.name, pod: key, netns, hostIface, mtu });
      await this.writeIpam(ipam);
      const etcDir = path.join('/etc/netns', netns);
      await mkdir(etcDir, { recursive: true });
      await writeFile(path.join(etcDir, 'resolv.conf'), podResolvConf(pod.metadata?.namespace ?? 'default'));
      try {
        await mustRun(
          'bash',
          [
            '-c',
            `set -e\n${podWiringScript({ netns, nodeNetns: node.netns, hostIface, ip, gateway: node.gateway, prefix: 24, mtu })}`,
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
