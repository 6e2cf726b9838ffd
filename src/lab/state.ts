import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defaultStateRoot } from './topology.js';

/** A process the lab started, tracked by PID (checked against /proc/<pid>/cmdline before it is killed). */
export interface TrackedProcess {
  role: string;
  pid: number;
  netns: string;
  /** A string the process's /proc/<pid>/cmdline must contain (guards against PID reuse). */
  cmdlineMatch: string;
  logFile: string;
  /** `namespace/name` when the process is a pod's container. */
  pod?: string;
}

export interface NodeState {
  name: string;
  netns: string;
  ip: string;
  podCidr: string;
  gateway: string;
  bridge: string;
}

/** state.json: everything `lab down` needs (also after a crash of `up`), and what the pod runtime reads. */
export interface LabState {
  version: 1;
  name: string;
  stateDir: string;
  phase: 'building' | 'up';
  createdAt: string;
  faults: string[];
  namespaces: string[];
  /** /etc/netns/<ns> directories the lab created (resolv.conf per namespace). */
  etcDirs: string[];
  processes: TrackedProcess[];
  nodes: NodeState[];
  clientNetns: string;
  podMtu: number;
  underlayMtu: number;
  overlayMtu: number;
  dnsServiceIP: string;
  clusterDomain: string;
  publicUrl: string;
  lbAddress: string;
  apiServer?: string;
  kubeconfig?: string;
  /** Log files of pods' containers, by `namespace/name`, for a person (and the API's logs, if it serves them). */
  podLogs: Record<string, string>;
}

export function labStateDir(name: string, env: NodeJS.ProcessEnv): string {
  return path.join(defaultStateRoot(env), name);
}

export function statePath(stateDir: string): string {
  return path.join(stateDir, 'state.json');
}

/** Written via a temp file and rename, so a crash never leaves half a state file. */
export async function writeState(state: LabState): Promise<void> {
  await mkdir(state.stateDir, { recursive: true });
  const file = statePath(state.stateDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, file);
}

export async function readState(stateDir: string): Promise<LabState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(statePath(stateDir), 'utf8')) as LabState;
    return parsed && parsed.version === 1 ? parsed : undefined;
  } catch {
    return undefined;
  }
}
