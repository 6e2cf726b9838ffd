import path from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { LabModel } from './model.js';
import { IMAGES } from './objects.js';
import { CLUSTER, INTERNET, type LabNamespaces, podNetns, UNDERLAY } from './topology.js';

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

/** A TLS Secret a pod mounts: the lab makes a self-signed pair for it. */
export interface SecretFile {
  namespace: string;
  secretName: string;
  dir: string;
  commonName: string;
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

/** Secret volumes mounted by a container: mountPath → the lab's directory holding the Secret's files. */
function secretMounts(
  pod: V1Pod,
  c: V1Container,
  stateDir: string,
): { mountPath: string; secret: SecretFile }[] {
  const out: { mountPath: string; secret: SecretFile }[] = [];
  const ns = pod.metadata?.namespace ?? 'default';
  for (const m of c.volumeMounts ?? []) {
    const vol = pod.spec?.volumes?.find((v) => v.name === m.name);
    const secretName = vol?.secret?.secretName;
    if (!secretName) continue;
    out.push({
      mountPath: m.mountPath.replace(/\/$/, ''),
      secret: {
        namespace: ns,
        secretName,
        dir: path.join(labPaths(stateDir).secretsDir, ns, secretName),
        commonName: `${pod.metadata?.labels?.['app.kubernetes.io/name'] ?? 'web'}.${ns}.svc`,
      },
    });
  }
  return out;
}

/**
 * The processes behind the lab's pods (by image) plus the infrastructure's own: the LB's haproxy and the
 * client's resolver. Pods whose image the lab does not know get a namespace and no process.
 */
export function planProcesses(
  model: LabModel,
  layout: Layout,
): { processes: ProcessSpec[]; secrets: SecretFile[] } {
  const p = labPaths(layout.stateDir);
  const dist = path.join(layout.root, 'dist', 'src', 'lab');
  const processes: ProcessSpec[] = [];
  const secrets: SecretFile[] = [];
  const match = layout.stateDir;
  for (const pod of model.objects.pods) {
    if (pod.spec?.hostNetwork || !pod.status?.podIP) continue;
    const ns = podNetns(model.name, pod.metadata?.namespace ?? 'default', pod.metadata?.name ?? '');
    const key = podKey(pod);
    for (const c of pod.spec?.containers ?? []) {
      const logFile = path.join(p.logs, `${pod.metadata?.namespace}_${pod.metadata?.name}_${c.name}.log`);
      if (c.image === IMAGES.controller) {
        processes.push({
          role: 'controller',
          netns: ns,
          argv: ['nginx', '-e', path.join(p.logs, 'nginx-error.log'), '-p', p.nginxDir, '-c', p.nginxConf],
          env: {},
          logFile,
          cmdlineMatch: p.nginxConf,
          listens: [
            { proto: 'tcp', port: 80 },
            { proto: 'tcp', port: 10254 },
          ],
          pod: key,
        });
      } else if (c.image === IMAGES.coredns) {
        processes.push({
          role: 'coredns',
          netns: ns,
          argv: [
            layout.nodeBin,
            path.join(dist, 'dns', 'server.js'),
            '--zone',
            p.clusterZone,
            '--listen',
            '0.0.0.0:53',
          ],
          env: {},
          logFile,
          cmdlineMatch: p.clusterZone,
          listens: [{ proto: 'udp', port: 53 }],
          pod: key,
        });
      } else if (c.image === IMAGES.web) {
        const env = containerEnv(pod, c);
        for (const { mountPath, secret } of secretMounts(pod, c, layout.stateDir)) {
          if (!secrets.some((s) => s.dir === secret.dir)) secrets.push(secret);
          for (const [k, v] of Object.entries(env)) {
            if (v.startsWith(`${mountPath}/`)) env[k] = path.join(secret.dir, v.slice(mountPath.length + 1));
          }
        }
        const port = Number(env.PORT ?? '8080');
        processes.push({
          role: `web:${pod.metadata?.name}`,
          netns: ns,
          argv: [
            layout.nodeBin,
            path.join(dist, 'app', 'server.js'),
            '--pod-name',
            pod.metadata?.name ?? 'web',
            '--lab-state',
            match,
          ],
          env: { ...env, POD_NAME: pod.metadata?.name ?? 'web' },
          logFile,
          cmdlineMatch: match,
          listens: Number.isInteger(port) ? [{ proto: 'tcp', port }] : [],
          pod: key,
        });
      }
    }
  }
  processes.push({
    role: 'load-balancer',
    netns: layout.names.lb,
    argv: ['haproxy', '-db', '-f', p.haproxyCfg],
    env: {},
    logFile: path.join(p.logs, 'haproxy.log'),
    cmdlineMatch: p.haproxyCfg,
    listens: [{ proto: 'tcp', port: 80 }],
  });
  processes.push({
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
  });
  return { processes, secrets };
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
    ],
    env: {},
    logFile: path.join(p.logs, 'api.log'),
    cmdlineMatch: layout.stateDir,
    listens: [{ proto: 'tcp', port: UNDERLAY.apiPort }],
  };
}

export const DNS_SERVICE = { ip: CLUSTER.dnsServiceIP, domain: CLUSTER.domain };
