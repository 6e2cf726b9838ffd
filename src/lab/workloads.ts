import path from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { IMAGES } from './objects.js';
import { CLUSTER, INTERNET, type LabNamespaces, UNDERLAY } from './topology.js';

/** One process the lab runs: where, what, and how to know it is serving. */
export interface ProcessSpec {
  role: string;
  netns: string;
  argv: string[];
  env: Record<string, string>;
  logFile: string;
  /** A string its /proc/<pid>/cmdline contains (the lab's state dir is in every one). */
  cmdlineMatch: string;
  /** Sockets that show the process is ready. */
  listens: { proto: 'tcp' | 'udp'; port: number }[];
  pod?: string;
}

export interface Layout {
  stateDir: string;
  /** The project root (for dist/ entry points). */
  root: string;
  names: LabNamespaces;
  nodeBin: string;
}

export function labPaths(stateDir: string) {
  return {
    logs: path.join(stateDir, 'logs'),
    nginxDir: path.join(stateDir, 'nginx'),
    nginxConf: path.join(stateDir, 'nginx', 'nginx.conf'),
    haproxyCfg: path.join(stateDir, 'haproxy.cfg'),
    haproxySocket: path.join(stateDir, 'haproxy.sock'),
    clusterZone: path.join(stateDir, 'dns', 'cluster.json'),
    publicZone: path.join(stateDir, 'dns', 'public.json'),
    objects: path.join(stateDir, 'objects.json'),
    networkScript: path.join(stateDir, 'network.sh'),
    netfilterDir: path.join(stateDir, 'netfilter'),
    secretsDir: path.join(stateDir, 'secrets'),
    ipam: path.join(stateDir, 'ipam.json'),
    infra: path.join(stateDir, 'infra.json'),
    binDir: path.join(stateDir, 'bin'),
  };
}

function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

/** A container's env as the kubelet would resolve it (plain values and the common fieldRefs). */
export function containerEnv(pod: V1Pod, c: V1Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    const field = e.valueFrom?.fieldRef?.fieldPath;
    if (field === 'metadata.name') env[e.name] = pod.metadata?.name ?? '';
    if (field === 'metadata.namespace') env[e.name] = pod.metadata?.namespace ?? '';
    if (field === 'spec.nodeName') env[e.name] = pod.spec?.nodeName ?? '';
    if (field === 'status.podIP') env[e.name] = pod.status?.podIP ?? '';
  }
  return env;
}

/**
 * The process a container's image stands for in the lab (the controller image runs nginx, the CoreDNS image our
 * DNS server, the shop image our app with the container's env), or undefined: any other image (probe pods) gets
 * a namespace and no process. `secretDirs` maps a Secret (namespace/name) to the directory holding its files.
 */
export function containerProcess(
  pod: V1Pod,
  c: V1Container,
  layout: Layout,
  netns: string,
  volumeDir: (volume: string) => string | undefined,
): ProcessSpec | undefined {
  const p = labPaths(layout.stateDir);
  const dist = path.join(layout.root, 'dist', 'src', 'lab');
  const key = podKey(pod);
  const logFile = path.join(p.logs, `${pod.metadata?.namespace}_${pod.metadata?.name}_${c.name}.log`);
  const base = { netns, logFile, pod: key, env: {} as Record<string, string> };
  if (c.image === IMAGES.controller) {
    return {
      ...base,
      role: 'controller',
      argv: [
        'nginx',
        '-e',
        path.join(p.logs, 'nginx-error.log'),
        '-p',
        p.nginxDir,
        '-c',
        p.nginxConf,
        '-g',
        `pid ${nginxPidFile(layout.stateDir, key)};`,
      ],
      cmdlineMatch: p.nginxConf,
      listens: [
        { proto: 'tcp', port: 80 },
        { proto: 'tcp', port: 10254 },
      ],
    };
  }
  if (c.image === IMAGES.coredns) {
    return {
      ...base,
      role: 'coredns',
      argv: [
        layout.nodeBin,
        path.join(dist, 'dns', 'server.js'),
        '--zone',
        p.clusterZone,
        '--listen',
        '0.0.0.0:53',
        '--ready-port',
        '8181',
        '--health-port',
        '8080',
      ],
      cmdlineMatch: p.clusterZone,
      listens: [{ proto: 'udp', port: 53 }],
    };
  }
  if (c.image === IMAGES.web) {
    const env = containerEnv(pod, c);
    // Files of mounted volumes (a TLS Secret) are where the kubelet wrote them: env paths point there.
    for (const m of c.volumeMounts ?? []) {
      const dir = volumeDir(m.name);
      if (!dir) continue;
      const mount = m.mountPath.replace(/\/$/, '');
      for (const [k, v] of Object.entries(env))
        if (v.startsWith(`${mount}/`)) env[k] = path.join(dir, v.slice(mount.length + 1));
    }
    const port = Number(env.PORT ?? '8080');
    return {
      ...base,
      role: `web:${pod.metadata?.name}`,
      argv: [
        layout.nodeBin,
        path.join(dist, 'app', 'server.js'),
        '--pod-name',
        pod.metadata?.name ?? 'web',
        '--lab-state',
        layout.stateDir,
      ],
      env: { ...env, POD_NAME: pod.metadata?.name ?? 'web' },
      cmdlineMatch: layout.stateDir,
      listens: Number.isInteger(port) ? [{ proto: 'tcp', port }] : [],
    };
  }
  return undefined;
}

/** nginx's pid file of one controller pod (the ingress controller reloads it by this PID). */
export function nginxPidFile(stateDir: string, pod: string): string {
  return path.join(labPaths(stateDir).nginxDir, `${pod.replace('/', '_')}.pid`);
}

/** The cloud's load balancer (haproxy, master-worker so a reload keeps serving) in the LB namespace. */
export function loadBalancerProcess(layout: Layout): ProcessSpec {
  const p = labPaths(layout.stateDir);
  return {
    role: 'load-balancer',
    netns: layout.names.lb,
    argv: ['haproxy', '-W', '-db', '-f', p.haproxyCfg, '-p', path.join(layout.stateDir, 'haproxy.pid')],
    env: {},
    logFile: path.join(p.logs, 'haproxy.log'),
    cmdlineMatch: p.haproxyCfg,
    listens: [{ proto: 'tcp', port: 80 }],
  };
}

/** The internet's resolver in the client namespace (answers the public zone). */
export function publicDnsProcess(layout: Layout): ProcessSpec {
  const p = labPaths(layout.stateDir);
  const dist = path.join(layout.root, 'dist', 'src', 'lab');
  return {
    role: 'public-dns',
    netns: layout.names.client,
    argv: [
      layout.nodeBin,
      path.join(dist, 'dns', 'server.js'),
      '--zone',
      p.publicZone,
      '--listen',
      `${INTERNET.publicResolver}:53`,
    ],
    env: {},
    logFile: path.join(p.logs, 'public-dns.log'),
    cmdlineMatch: p.publicZone,
    listens: [{ proto: 'udp', port: 53 }],
  };
}

/** The lab API process (H4's server), run in the control-plane namespace. */
export function apiProcess(layout: Layout): ProcessSpec {
  const p = labPaths(layout.stateDir);
  return {
    role: 'api',
    netns: layout.names.cp,
    argv: [
      layout.nodeBin,
      path.join(layout.root, 'dist', 'src', 'lab', 'api', 'main.js'),
      '--state',
      layout.stateDir,
      '--listen',
      `${UNDERLAY.controlPlane}:${UNDERLAY.apiPort}`,
    ],
    env: {},
    logFile: path.join(p.logs, 'api.log'),
    cmdlineMatch: layout.stateDir,
    listens: [{ proto: 'tcp', port: UNDERLAY.apiPort }],
  };
}

/** The host's forwarder to the lab API (127.0.0.1, a free port written to `forward.port`). */
export function forwarderProcess(layout: Layout): ProcessSpec & { portFile: string } {
  const portFile = path.join(layout.stateDir, 'api', 'forward.port');
  return {
    role: 'api-forwarder',
    netns: '',
    argv: [
      layout.nodeBin,
      path.join(layout.root, 'dist', 'src', 'lab', 'api', 'forward.js'),
      '--socket',
      path.join(layout.stateDir, 'api.sock'),
      '--port-file',
      portFile,
    ],
    env: {},
    logFile: path.join(labPaths(layout.stateDir).logs, 'api-forwarder.log'),
    cmdlineMatch: layout.stateDir,
    listens: [],
    portFile,
  };
}

export const DNS_SERVICE = { ip: CLUSTER.dnsServiceIP, domain: CLUSTER.domain };
