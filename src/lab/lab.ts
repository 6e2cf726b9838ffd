import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareApiFiles } from './api/files.js';
import type { FaultChoice } from './faults/index.js';
import { healthyModel, type LabModel, reconcile } from './model.js';
import { labObjectList } from './objects.js';
import { podMtu } from './render/cni.js';
import { clientResolvConf, clusterZone, podResolvConf, publicZone } from './render/dns.js';
import { renderHaproxyCfg } from './render/haproxy.js';
import { renderNodeIptables } from './render/kube-proxy.js';
import {
  controlPlanePrelude,
  type NetworkPlan,
  type PodWiring,
  planNamespaces,
  renderLbIptables,
  renderNetworkScript,
  renderUnderlayNft,
} from './render/network.js';
import { renderNginxConf } from './render/nginx.js';
import { assertOwnStateDir, createStateDir, type LabState, readState, writeState } from './state.js';
import {
  killPid,
  listNetns,
  mustRun,
  pidAlive,
  pidCmdline,
  pidsInNetns,
  runCommand,
  sleep,
  spawnInNetns,
  waitGone,
} from './sys.js';
import {
  CLUSTER,
  IFACE,
  INTERNET,
  labNamespaces,
  NODES,
  nodeByName,
  PUBLIC_HOST,
  podHostIface,
  podNetns,
  UNDERLAY,
} from './topology.js';
import {
  apiProcess,
  type Layout,
  labPaths,
  type ProcessSpec,
  planProcesses,
  type SecretFile,
} from './workloads.js';

/** The project root (…/dist/src/lab/lab.js → …). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface UpOptions {
  name: string;
  stateDir: string;
  faults: FaultChoice[];
  underlayMtu?: number;
  /** Progress lines for a person (stderr); never decisions. */
  log?: (line: string) => void;
}

export interface UpResult {
  state: LabState;
  timings: Record<string, number>;
  warnings: string[];
}

/** The lab as objects + infra: healthy, faults applied, derived objects reconciled. Pure. */
export function buildModel(
  name: string,
  faults: FaultChoice[],
  opts: { underlayMtu?: number } = {},
): LabModel {
  const model = healthyModel(name, opts);
  for (const f of faults) {
    f.fault.apply(model, f.variant);
    model.faults.push(f.spec);
  }
  return reconcile(model);
}

/** Pods that get a namespace: every non-hostNetwork pod with an address. */
export function podWirings(model: LabModel): PodWiring[] {
  const names = labNamespaces(model.name);
  const mtu = podMtu(model.objects, model.infra.underlayMtu);
  return model.objects.pods
    .filter((p) => !p.spec?.hostNetwork && p.status?.podIP)
    .map((p) => {
      const node = nodeByName(p.spec?.nodeName);
      const ns = p.metadata?.namespace ?? 'default';
      const name = p.metadata?.name ?? '';
      return {
        netns: podNetns(model.name, ns, name),
        nodeNetns: names.nodes[node.name] as string,
        hostIface: podHostIface(ns, name),
        ip: p.status?.podIP as string,
        gateway: node.gateway,
        prefix: 24,
        mtu,
      };
    });
}

/** IP allocations per node, shared with the pod runtime (which adds API-created pods). */
export interface Ipam {
  allocations: { ip: string; node: string; pod: string; netns: string; hostIface: string }[];
}

async function writeSecrets(secrets: SecretFile[]): Promise<void> {
  await Promise.all(
    secrets.map(async (s) => {
      await mkdir(s.dir, { recursive: true });
      await mustRun('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        path.join(s.dir, 'tls.key'),
        '-out',
        path.join(s.dir, 'tls.crt'),
        '-subj',
        `/CN=${s.commonName}`,
        '-days',
        '365',
        '-addext',
        `subjectAltName=DNS:${s.commonName}`,
      ]);
    }),
  );
}

function readinessScript(specs: ProcessSpec[]): string {
  // One bash loop checks every socket: far cheaper than a Node round trip per check.
  const checks = specs.flatMap((s) =>
    s.listens.map(
      (l) =>
        `  nsenter --net=/run/netns/${s.netns} ss -Hln${l.proto === 'tcp' ? 't' : 'u'} 'sport = :${l.port}' | grep -q . || missing="$missing ${s.role}"`,
    ),
  );
  return [
    'for i in $(seq 1 200); do',
    '  missing=""',
    ...checks,
    '  [ -z "$missing" ] && exit 0',
    '  sleep 0.025',
    'done',
    'echo "$missing"',
    'exit 1',
  ].join('\n');
}

/**
 * Builds the lab: down first (idempotent rebuild), then objects → rendered files → namespaces and links →
 * processes → wait until every process listens. The state file is written before anything is created, so
 * `lab down` can undo a crashed or killed `up`.
 */
export async function labUp(opts: UpOptions): Promise<UpResult> {
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const mark = (k: string) => {
    timings[k] = Date.now() - t0;
  };
  const log = opts.log ?? (() => {});
  const warnings: string[] = [];
  // Refuse a directory that is not this lab's before anything is torn down or written.
  await assertOwnStateDir(opts.stateDir, opts.name, 'build a lab in');
  await labDown({ name: opts.name, stateDir: opts.stateDir });
  mark('down');

  const model = buildModel(opts.name, opts.faults, { underlayMtu: opts.underlayMtu });
  const names = labNamespaces(opts.name);
  const p = labPaths(opts.stateDir);
  const layout: Layout = { stateDir: opts.stateDir, root: PROJECT_ROOT, names, nodeBin: process.execPath };
  const pods = podWirings(model);
  const mtu = podMtu(model.objects, model.infra.underlayMtu);

  const nodeIptables: Record<string, string> = {};
  for (const node of NODES) nodeIptables[names.nodes[node.name] as string] = renderNodeIptables(model, node);
  const plan: NetworkPlan = { names, infra: model.infra, pods };
  const namespaces = planNamespaces(plan);
  const etcDirs = [
    ...new Set([
      names.client,
      names.lb,
      names.cp,
      ...Object.values(names.nodes),
      ...pods.map((w) => w.netns),
    ]),
  ].map((ns) => path.join('/etc/netns', ns));

  const state: LabState = {
    version: 1,
    name: opts.name,
    stateDir: opts.stateDir,
    phase: 'building',
    createdAt: new Date().toISOString(),
    faults: model.faults,
    namespaces,
    etcDirs,
    processes: [],
    nodes: NODES.map((n) => ({
      name: n.name,
      netns: names.nodes[n.name] as string,
      ip: n.ip,
      podCidr: n.podCidr,
      gateway: n.gateway,
      bridge: IFACE.bridge,
    })),
    clientNetns: names.client,
    podMtu: mtu,
    underlayMtu: model.infra.underlayMtu,
    overlayMtu: model.infra.overlay.mtu,
    dnsServiceIP: CLUSTER.dnsServiceIP,
    clusterDomain: CLUSTER.domain,
    publicUrl: `http://${PUBLIC_HOST}/`,
    lbAddress: INTERNET.lbPublic,
    podLogs: {},
  };
  await createStateDir(opts.stateDir, opts.name);
  await writeState(state);

  // Render every file.
  await Promise.all(
    [
      p.logs,
      p.nginxDir,
      path.join(p.nginxDir, 'tmp'),
      path.dirname(p.clusterZone),
      p.netfilterDir,
      p.binDir,
    ].map((d) => mkdir(d, { recursive: true })),
  );
  const files: { iptables: Record<string, string>; nft: Record<string, string> } = { iptables: {}, nft: {} };
  const writes: Promise<void>[] = [];
  const put = (file: string, text: string) => writes.push(writeFile(file, text));
  for (const [ns, rules] of Object.entries(nodeIptables)) {
    const f = path.join(p.netfilterDir, `${ns}.iptables`);
    files.iptables[ns] = f;
    put(f, rules);
  }
  const lbRules = path.join(p.netfilterDir, `${names.lb}.iptables`);
  files.iptables[names.lb] = lbRules;
  put(lbRules, renderLbIptables());
  const underlayNft = renderUnderlayNft(model.infra);
  if (underlayNft) {
    const f = path.join(p.netfilterDir, `${names.net}.nft`);
    files.nft[names.net] = f;
    put(f, underlayNft);
  }
  put(p.networkScript, renderNetworkScript(plan, files));
  put(
    p.nginxConf,
    renderNginxConf(model.objects, {
      prefix: p.nginxDir,
      pidFile: path.join(p.nginxDir, 'nginx.pid'),
      errorLog: path.join(p.logs, 'nginx-error.log'),
      accessLog: path.join(p.logs, 'nginx-access.log'),
      tempDir: path.join(p.nginxDir, 'tmp'),
    }),
  );
  // A unix socket path is limited to 107 bytes: without one, `up` does not wait for the first health checks.
  const statsSocket = Buffer.byteLength(p.haproxySocket) < 100 ? p.haproxySocket : undefined;
  put(p.haproxyCfg, renderHaproxyCfg(model.objects, { statsSocket }));
  put(p.clusterZone, JSON.stringify(clusterZone(model.objects, model.infra)));
  put(p.publicZone, JSON.stringify(publicZone(model.objects, model.infra)));
  put(p.objects, `${JSON.stringify(labObjectList(model.objects), null, 1)}\n`);
  const ipam: Ipam = {
    allocations: pods.map((w) => {
      const pod = model.objects.pods.find((x) => x.status?.podIP === w.ip);
      return {
        ip: w.ip,
        node: pod?.spec?.nodeName ?? '',
        pod: `${pod?.metadata?.namespace}/${pod?.metadata?.name}`,
        netns: w.netns,
        hostIface: w.hostIface,
      };
    }),
  };
  put(p.ipam, JSON.stringify(ipam, null, 1));
  // resolv.conf per namespace: `ip netns exec` bind-mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf.
  for (const dir of etcDirs) {
    const ns = path.basename(dir);
    const pod = pods.find((w) => w.netns === ns);
    const podObj = pod && model.objects.pods.find((x) => x.status?.podIP === pod.ip);
    let conf: string;
    if (ns === names.client) conf = clientResolvConf();
    else if (podObj) conf = podResolvConf(podObj.metadata?.namespace ?? 'default');
    else if (Object.values(names.nodes).includes(ns)) conf = podResolvConf('kube-system');
    else conf = `nameserver ${CLUSTER.dnsServiceIP}\n`;
    writes.push(mkdir(dir, { recursive: true }).then(() => writeFile(path.join(dir, 'resolv.conf'), conf)));
  }
  // `lab run` puts this first on PATH so `ingress-doctor` and `kubectl ingress-doctor` work inside.
  for (const bin of ['ingress-doctor', 'kubectl-ingress_doctor']) {
    writes.push(
      symlink(path.join(PROJECT_ROOT, 'bin', 'ingress-doctor.js'), path.join(p.binDir, bin)).catch(() => {}),
    );
  }
  await Promise.all(writes);
  mark('render');

  const { processes, secrets } = planProcesses(model, layout);
  const apiEntry = path.join(PROJECT_ROOT, 'dist', 'src', 'lab', 'api', 'main.js');
  const withApi = existsSync(apiEntry);
  if (!withApi) warnings.push(`the lab API is not built (${apiEntry} missing): no kubeconfig`);

  // Network, TLS material and the API are independent: build them together. The API (the slowest process to
  // start) boots in its own namespace while the data plane is still being built.
  const all = [...processes];
  const track = (spec: ProcessSpec) => {
    const pid = spawnInNetns(spec.netns, spec.argv, {
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...spec.env },
      logFile: spec.logFile,
    });
    state.processes.push({
      role: spec.role,
      pid,
      netns: spec.netns,
      cmdlineMatch: spec.cmdlineMatch,
      logFile: spec.logFile,
      ...(spec.pod ? { pod: spec.pod } : {}),
    });
    if (spec.pod) state.podLogs[spec.pod] = spec.logFile;
  };
  const startApi = async () => {
    if (!withApi) return undefined;
    const files = await prepareApiFiles(opts.stateDir, {
      address: UNDERLAY.controlPlane,
      port: UNDERLAY.apiPort,
    });
    const spec = apiProcess(layout);
    all.push(spec);
    track(spec);
    await writeState(state);
    return files;
  };
  // The network script moves a veth into the control plane's namespace: it must exist first.
  await mustRun('bash', ['-c', controlPlanePrelude(names)], { timeoutMs: 15_000 });
  const [, , apiFiles] = await Promise.all([
    mustRun('bash', [p.networkScript], { timeoutMs: 60_000 }),
    writeSecrets(secrets),
    startApi(),
  ]);
  mark('network');

  // Fill before any data-plane process starts: a flow set up earlier (the LB's keep-alive to the controller)
  // would keep its conntrack entry and hide the fault.
  const fill = model.infra.conntrackFill;
  if (fill) await fillConntrack(names.nodes[fill.node] as string, nodeByName(fill.node).ip, opts.stateDir);
  for (const spec of processes) track(spec);
  await writeState(state);
  mark('spawn');

  const ready = await runCommand('bash', ['-c', readinessScript(all)], { timeoutMs: 15_000 });
  if (ready.code !== 0) {
    const dead: string[] = [];
    for (const proc of state.processes)
      if (!(await pidAlive(proc.pid))) dead.push(`${proc.role} (log: ${proc.logFile})`);
    throw new Error(
      `lab ${opts.name}: not every process is listening after 10 s (${ready.stdout.trim() || 'unknown'})${dead.length ? `; exited: ${dead.join(', ')}` : ''}`,
    );
  }
  if (statsSocket) {
    const lb = await waitLoadBalancerSettled(statsSocket, 8000);
    if (!lb.settled)
      warnings.push('the load balancer had not judged every node healthy or unhealthy within 8 s');
  }
  mark('ready');

  state.phase = 'up';
  if (apiFiles) {
    state.kubeconfig = apiFiles.kubeconfigPath;
    state.apiServer = `https://${UNDERLAY.controlPlane}:${UNDERLAY.apiPort}`;
  }
  await writeState(state);
  log(`lab ${opts.name} up in ${Date.now() - t0} ms`);
  return { state, timings, warnings };
}

/** One haproxy `show stat` over its unix socket (in the host's filesystem, so no namespace hop is needed). */
async function haproxyStat(socket: string): Promise<Record<string, string>[]> {
  const text = await new Promise<string>((resolve) => {
    let data = '';
    const conn = createConnection(socket);
    const timer = setTimeout(() => conn.destroy(), 1000);
    conn.on('connect', () => conn.write('show stat\n'));
    conn.on('data', (d) => {
      data += d;
    });
    conn.on('error', () => resolve(''));
    conn.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
  const lines = text.split('\n').filter(Boolean);
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  return lines.slice(1).map((l) => {
    const cells = l.split(',');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

/**
 * Waits until the LB has judged every target: UP after a passing check, or DOWN. haproxy starts targets as UP
 * before any check ran; returning earlier would show a faulty lab as healthy for its first second.
 */
export async function waitLoadBalancerSettled(
  socket: string,
  timeoutMs: number,
): Promise<{ settled: boolean; servers: { name: string; status: string; check: string }[] }> {
  const deadline = Date.now() + timeoutMs;
  let servers: { name: string; status: string; check: string }[] = [];
  while (Date.now() < deadline) {
    servers = (await haproxyStat(socket))
      .filter((r) => r.svname !== 'FRONTEND' && r.svname !== 'BACKEND' && r.pxname === 'nodeports')
      .map((r) => ({
        name: r.svname ?? '',
        status: r.status ?? '',
        check: (r.check_status ?? '').replace(/^\* /, ''),
      }));
    const judged = (s: { status: string; check: string }) =>
      s.status === 'DOWN' || (s.status === 'UP' && /^L[4567]OK$/.test(s.check));
    if (servers.length > 0 && servers.every(judged)) return { settled: true, servers };
    await sleep(50);
  }
  return { settled: false, servers };
}

/**
 * Fills a node's conntrack table with ASSURED entries. nf_conntrack_max is global and read-only inside a
 * namespace while the count is per namespace, so the node needs max entries of its own; `conntrack -I` one by
 * one is far too slow, a `conntrack -R` batch file takes ~2 s for 262144.
 */
export async function fillConntrack(netns: string, nodeIP: string, stateDir: string): Promise<void> {
  const max = Number((await readFile('/proc/sys/net/netfilter/nf_conntrack_max', 'utf8')).trim()) || 262144;
  // ~300 bytes of kernel memory and ~8 µs per entry: refuse what would take minutes and gigabytes.
  if (max > 2_000_000) {
    throw new Error(
      `conntrack-exhaustion: nf_conntrack_max is ${max} on this host (global, read-only in a namespace); filling it would take too long. Lower it on the host (sysctl net.netfilter.nf_conntrack_max=262144) to use this fault`,
    );
  }
  const lines: string[] = [];
  for (let i = 0; i < max; i++) {
    // Distinct tuples from addresses the lab never uses, all ESTABLISHED + ASSURED (not early-droppable).
    const block = Math.floor(i / 50_000);
    lines.push(
      `-I -p tcp -s 198.18.200.${1 + block} -d ${nodeIP} --sport ${1024 + (i % 50_000)} --dport 443 --state ESTABLISHED -u SEEN_REPLY,ASSURED -t 86400`,
    );
  }
  const file = path.join(stateDir, 'conntrack-fill.txt');
  await writeFile(file, `${lines.join('\n')}\n`);
  // conntrack exits non-zero once the table is full: that is the point, so only the count is checked.
  await runCommand('nsenter', [`--net=/run/netns/${netns}`, 'conntrack', '-R', file], { timeoutMs: 60_000 });
  await rm(file, { force: true });
}

export interface DownOptions {
  name: string;
  stateDir: string;
}

export interface DownResult {
  removedNamespaces: string[];
  killed: number[];
  existed: boolean;
}

/**
 * Removes everything a lab made, from its state file and from what is left on the host (namespaces named
 * idl-<name>-*, /etc/netns/idl-<name>-*): kills its processes by PID (checking the cmdline first, and every PID
 * still inside its namespaces), deletes the namespaces, the files. Idempotent; works after a crash of `up`.
 */
export async function labDown(opts: DownOptions): Promise<DownResult> {
  // Only a directory this lab marked as its own (or an empty one) is ever deleted; anything else is refused
  // before a process is killed or a namespace removed.
  const dir = await assertOwnStateDir(opts.stateDir, opts.name, 'remove');
  const state = dir.kind === 'lab' ? await readState(opts.stateDir) : undefined;
  const prefix = labNamespaces(opts.name).prefix;
  const present = new Set(await listNetns());
  const namespaces = [
    ...new Set([...(state?.namespaces ?? []), ...[...present].filter((n) => n.startsWith(prefix))]),
  ].filter((n) => present.has(n) && n.startsWith(prefix));

  const killed: number[] = [];
  for (const proc of state?.processes ?? []) {
    const cmdline = await pidCmdline(proc.pid);
    // Only a process whose command line names this lab's state dir: a stale or edited state file must not
    // make us kill someone else's process.
    const ours = proc.cmdlineMatch.startsWith(opts.stateDir) && cmdline?.includes(proc.cmdlineMatch);
    if (ours && (await pidAlive(proc.pid))) {
      killPid(proc.pid);
      killed.push(proc.pid);
    }
  }
  const inside = await pidsInNetns(namespaces);
  for (const pid of inside) {
    killPid(pid);
    killed.push(pid);
  }
  await waitGone(killed, 3000);

  if (namespaces.length) {
    await runCommand('ip', ['-force', '-batch', '-'], {
      input: `${namespaces.map((n) => `netns del ${n}`).join('\n')}\n`,
      timeoutMs: 15_000,
    });
  }
  let etcLeft: string[] = [];
  try {
    etcLeft = (await readdir('/etc/netns'))
      .filter((d) => d.startsWith(prefix))
      .map((d) => path.join('/etc/netns', d));
  } catch {
    etcLeft = [];
  }
  await Promise.all(
    [...new Set([...(state?.etcDirs ?? []), ...etcLeft])]
      .filter((d) => d.startsWith(`/etc/netns/${prefix}`))
      .map((d) => rm(d, { recursive: true, force: true })),
  );
  const existed = state !== undefined || namespaces.length > 0 || dir.kind === 'lab';
  if (dir.kind === 'lab') await rm(opts.stateDir, { recursive: true, force: true });
  else if (dir.kind === 'empty') await rmdir(opts.stateDir).catch(() => {});
  return { removedNamespaces: namespaces, killed, existed };
}

export interface LabStatus {
  name: string;
  stateDir: string;
  exists: boolean;
  phase?: LabState['phase'];
  faults: string[];
  publicUrl?: string;
  lbAddress?: string;
  kubeconfig?: string;
  apiServer?: string;
  namespaces: { name: string; present: boolean }[];
  processes: { role: string; pid: number; alive: boolean; netns: string }[];
  healthy: boolean;
}

/** What is there: from the state file, checked against the host (namespaces present, PIDs alive). */
export async function labStatus(opts: DownOptions): Promise<LabStatus> {
  const state = await readState(opts.stateDir);
  const present = new Set(await listNetns());
  const prefix = labNamespaces(opts.name).prefix;
  const nsNames = [
    ...new Set([...(state?.namespaces ?? []), ...[...present].filter((n) => n.startsWith(prefix))]),
  ];
  const processes = await Promise.all(
    (state?.processes ?? []).map(async (p) => {
      const cmdline = await pidCmdline(p.pid);
      return {
        role: p.role,
        pid: p.pid,
        netns: p.netns,
        alive: Boolean(cmdline?.includes(p.cmdlineMatch)) && (await pidAlive(p.pid)),
      };
    }),
  );
  const namespaces = nsNames.map((n) => ({ name: n, present: present.has(n) }));
  return {
    name: opts.name,
    stateDir: opts.stateDir,
    exists: state !== undefined || namespaces.some((n) => n.present),
    phase: state?.phase,
    faults: state?.faults ?? [],
    publicUrl: state?.publicUrl,
    lbAddress: state?.lbAddress,
    kubeconfig: state?.kubeconfig,
    apiServer: state?.apiServer,
    namespaces,
    processes,
    healthy: state?.phase === 'up' && namespaces.every((n) => n.present) && processes.every((p) => p.alive),
  };
}
