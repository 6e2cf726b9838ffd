import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createConnection } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubeconfigFor, prepareApiFiles } from './api/files.js';
import { fillConntrack } from './conntrack.js';
import type { FaultChoice } from './faults/index.js';
import { type FaultRecord, faultChanges } from './faults/runtime.js';
import { healthyModel, type LabModel, reconcile } from './model.js';
import { labObjectList, NAMES, tlsSecret } from './objects.js';
import { podMtu } from './render/cni.js';
import { clientResolvConf, podResolvConf } from './render/dns.js';
import {
  controlPlanePrelude,
  type NetworkPlan,
  planNamespaces,
  renderLbIptables,
  renderNetworkScript,
  renderUnderlayNft,
} from './render/network.js';
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
  apiHostName,
  CLUSTER,
  IFACE,
  INTERNET,
  labNamespaces,
  NODES,
  nodeByName,
  PUBLIC_HOST,
  UNDERLAY,
} from './topology.js';
import { apiProcess, forwarderProcess, type Layout, labPaths, type ProcessSpec } from './workloads.js';

/** The project root (…/dist/src/lab/lab.js → …). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface UpOptions {
  name: string;
  stateDir: string;
  faults: FaultChoice[];
  underlayMtu?: number;
  /** Spread pods over the nodes (least pods first) instead of the lab's layout. */
  spread?: boolean;
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
  return buildModelWithRecords(name, faults, opts).model;
}

/** buildModel, and what each fault changed (kept by the control plane for `lab fault remove` and `lab status`). */
export function buildModelWithRecords(
  name: string,
  faults: FaultChoice[],
  opts: { underlayMtu?: number } = {},
): { model: LabModel; records: FaultRecord[] } {
  const model = healthyModel(name, opts);
  const records: FaultRecord[] = [];
  for (const f of faults) {
    records.push(faultChanges(model, f));
    f.fault.apply(model, f.variant);
    model.faults.push(f.spec);
  }
  return { model: reconcile(model), records };
}

/**
 * Builds the lab: down first (idempotent rebuild), then the objects (faults applied) → the static network
 * (namespaces, links, the overlay, the infrastructure's filters) → the control plane, whose controllers start
 * every pod, program every node and configure the proxies → wait until it has converged and the LB has judged.
 * The state file is written before anything is created, so `lab down` can undo a crashed or killed `up`.
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

  const { model, records } = buildModelWithRecords(opts.name, opts.faults, { underlayMtu: opts.underlayMtu });
  const names = labNamespaces(opts.name);
  const p = labPaths(opts.stateDir);
  const layout: Layout = { stateDir: opts.stateDir, root: PROJECT_ROOT, names, nodeBin: process.execPath };
  const mtu = podMtu(model.objects, model.infra.underlayMtu);
  const plan: NetworkPlan = { names, infra: model.infra, pods: [] };
  const namespaces = planNamespaces(plan);
  const etcDirs = [...new Set([names.client, names.lb, names.cp, ...Object.values(names.nodes)])].map((ns) =>
    path.join('/etc/netns', ns),
  );

  const state: LabState = {
    version: 1,
    name: opts.name,
    stateDir: opts.stateDir,
    phase: 'building',
    createdAt: new Date().toISOString(),
    faults: model.faults,
    ...(opts.spread ? { spread: true } : {}),
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
  // The app's TLS certificate as a Secret (the backend-protocol-mismatch fault's app mounts it).
  const tls = await selfSignedCert(path.join(opts.stateDir, 'secrets'), `web.${NAMES.appNamespace}.svc`);
  model.objects.secrets = [
    ...(model.objects.secrets ?? []),
    tlsSecret(NAMES.appNamespace, 'web-tls', tls.cert, tls.key),
  ];
  put(p.objects, `${JSON.stringify(labObjectList(model.objects), null, 1)}\n`);
  put(p.infra, `${JSON.stringify(model.infra, null, 1)}\n`);
  put(path.join(opts.stateDir, 'faults.json'), `${JSON.stringify({ faults: records }, null, 1)}\n`);
  put(p.ipam, JSON.stringify({ allocations: [] }, null, 1));
  for (const dir of etcDirs) {
    const ns = path.basename(dir);
    let conf: string;
    if (ns === names.client) conf = clientResolvConf();
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

  const apiEntry = path.join(PROJECT_ROOT, 'dist', 'src', 'lab', 'api', 'main.js');
  if (!existsSync(apiEntry))
    throw new Error(`the lab's control plane is not built (${apiEntry} missing): run npm run build`);
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
    });
  };
  // The network script moves a veth into the control plane's namespace: it must exist first.
  await mustRun('bash', ['-c', controlPlanePrelude(names)], { timeoutMs: 15_000 });
  const [, apiFiles] = await Promise.all([
    mustRun('bash', [p.networkScript], { timeoutMs: 60_000 }),
    prepareApiFiles(opts.stateDir, {
      address: apiHostName(opts.name),
      port: UNDERLAY.apiPort,
      alsoServes: [UNDERLAY.controlPlane, '127.0.0.1'],
    }),
  ]);
  mark('network');

  track(apiProcess(layout));
  await writeState(state);
  mark('spawn');

  const ready = await waitConverged(path.join(opts.stateDir, 'control.sock'), 20_000);
  if (!ready.converged) {
    const dead = (await pidAlive(state.processes[0]?.pid ?? -1))
      ? ''
      : `; the control plane exited (log: ${p.logs}/api.log)`;
    throw new Error(
      `lab ${opts.name}: not converged after 20 s (waiting for ${ready.waiting.join(', ') || 'the control plane'})${dead}`,
    );
  }
  const statsSocket = Buffer.byteLength(p.haproxySocket) < 100 ? p.haproxySocket : undefined;
  // The LB's first checks may have run before the nodes were programmed: reload it so its verdicts are the
  // converged lab's (a fresh haproxy worker checks from scratch).
  const lbPid = Number(
    (await readFile(path.join(opts.stateDir, 'haproxy.pid'), 'utf8').catch(() => '')).trim(),
  );
  if (lbPid > 0) {
    killPid(lbPid, 'SIGUSR2');
    await sleep(150);
  }
  if (statsSocket) {
    const lb = await waitLoadBalancerSettled(statsSocket, 8000);
    if (!lb.settled)
      warnings.push('the load balancer had not judged every node healthy or unhealthy within 8 s');
  }
  // Filled once the lab has converged (with the table full the kubelet's own probes fail), after flushing the
  // node's flows: a flow set up earlier (the LB's keep-alive to the controller) would keep its entry and hide it.
  const fill = model.infra.conntrackFill;
  if (fill) await fillConntrack(names.nodes[fill.node] as string, nodeByName(fill.node).ip, opts.stateDir);
  // The API from the host, kind's way: a forwarder on 127.0.0.1 and its own kubeconfig (`lab kubeconfig`).
  const fwd = forwarderProcess(layout);
  track(fwd);
  await writeState(state);
  let port = '';
  for (let i = 0; i < 200 && !port; i++) {
    port = (await readFile(fwd.portFile, 'utf8').catch(() => '')).trim();
    if (!port) await sleep(10);
  }
  if (port) {
    state.hostKubeconfig = path.join(opts.stateDir, 'kubeconfig.host');
    state.hostApiServer = `https://127.0.0.1:${port}`;
    await writeFile(state.hostKubeconfig, await kubeconfigFor(opts.stateDir, state.hostApiServer), {
      mode: 0o600,
    });
  } else warnings.push(`the API forwarder did not start (log: ${fwd.logFile}): no host kubeconfig`);
  mark('ready');

  state.phase = 'up';
  state.kubeconfig = apiFiles.kubeconfigPath;
  state.apiServer = `https://${apiHostName(opts.name)}:${UNDERLAY.apiPort}`;
  await writeState(state);
  log(`lab ${opts.name} up in ${Date.now() - t0} ms`);
  return { state, timings, warnings };
}

/** A self-signed certificate and key (EC P-256) for `commonName`, made with openssl. */
async function selfSignedCert(dir: string, commonName: string): Promise<{ cert: Buffer; key: Buffer }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(dir, `${commonName}.key`);
  const certFile = path.join(dir, `${commonName}.crt`);
  await mustRun('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-subj',
    `/CN=${commonName}`,
    '-days',
    '365',
    '-addext',
    `subjectAltName=DNS:${commonName}`,
  ]);
  return { cert: await readFile(certFile), key: await readFile(keyFile) };
}

/** One request to a lab's control socket: its JSON answer and HTTP status, or undefined when nobody answers. */
export function controlRequest(
  stateDir: string,
  method: string,
  urlPath: string,
  body?: unknown,
  timeoutMs = 60_000,
): Promise<{ status: number; body: unknown } | undefined> {
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        socketPath: path.join(stateDir, 'control.sock'),
        method,
        path: urlPath,
        timeout: timeoutMs,
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: text });
          }
        });
      },
    );
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Asks the control plane (over its unix socket) whether the lab has converged, waiting up to `timeoutMs`. */
export async function waitConverged(
  socket: string,
  timeoutMs: number,
): Promise<{ converged: boolean; waiting: string[] }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const left = deadline - Date.now();
    const answer = await new Promise<{ converged: boolean; waiting: string[] } | undefined>((resolve) => {
      const req = httpRequest(
        { socketPath: socket, path: `/converged?timeoutMs=${left}`, timeout: left + 1000 },
        (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => {
            try {
              resolve(JSON.parse(body) as { converged: boolean; waiting: string[] });
            } catch {
              resolve(undefined);
            }
          });
        },
      );
      req.on('error', () => resolve(undefined));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (answer?.converged) return answer;
    if (answer && Date.now() >= deadline) return answer;
    await sleep(answer ? 25 : 50);
  }
  return { converged: false, waiting: [] };
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
  for (const proc of [...(state?.processes ?? []), ...(await runtimeProcesses(opts.stateDir))]) {
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
  /** The faults the control plane keeps, with whether someone fixed them by hand. */
  faultStates?: { spec: string; state: string; objects: string[]; infrastructure: boolean }[];
  healthy: boolean;
}

/** The processes the control plane runs (its pods' containers, the LB, the public resolver), from runtime.json. */
async function runtimeProcesses(
  stateDir: string,
): Promise<{ role: string; pid: number; netns: string; cmdlineMatch: string }[]> {
  try {
    const r = JSON.parse(await readFile(path.join(stateDir, 'runtime.json'), 'utf8')) as {
      processes?: { role: string; pid: number; cmdlineMatch: string }[];
    };
    return (r.processes ?? []).map((p) => ({ ...p, netns: '' }));
  } catch {
    return [];
  }
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
    [...(state?.processes ?? []), ...(await runtimeProcesses(opts.stateDir))].map(async (p) => {
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
  const answer =
    state?.phase === 'up'
      ? await controlRequest(opts.stateDir, 'GET', '/faults', undefined, 5000)
      : undefined;
  const faultStates = (answer?.body as { faults?: LabStatus['faultStates'] } | undefined)?.faults;
  return {
    ...(faultStates ? { faultStates } : {}),
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
