import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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
  /** Pods spread over the nodes by the scheduler (`lab up --spread`) instead of the lab's layout. */
  spread?: boolean;
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
  /** The kubeconfig for the host (the 127.0.0.1 forwarder), printed by `lab kubeconfig`. */
  hostKubeconfig?: string;
  hostApiServer?: string;
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

/**
 * The file that marks a directory as a lab's own state directory. `lab up` writes it before anything else and
 * `lab down` deletes a directory only when it carries this marker for the same lab name, so a mistyped
 * INGRESS_DOCTOR_LAB_DIR (say, $HOME) can never make the lab delete someone's files.
 */
export const LAB_MARKER = '.ingress-doctor-lab';

export interface LabMarker {
  kind: 'IngressDoctorLab';
  name: string;
  stateDir: string;
}

export function markerPath(stateDir: string): string {
  return path.join(stateDir, LAB_MARKER);
}

/** What is at a lab's state directory: nothing, an empty directory, this lab's own, or something else. */
export type StateDirKind =
  | { kind: 'absent' }
  | { kind: 'empty' }
  | { kind: 'lab'; legacy: boolean }
  | { kind: 'foreign'; reason: string };

/** A state directory the lab must not touch: said with what is wrong and what to do. */
export class ForeignStateDirError extends Error {}

export async function inspectStateDir(stateDir: string, name: string): Promise<StateDirKind> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(stateDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'foreign', reason: `cannot be inspected (${(err as Error).message})` };
  }
  if (st.isSymbolicLink()) return { kind: 'foreign', reason: 'is a symbolic link' };
  if (!st.isDirectory()) return { kind: 'foreign', reason: 'is not a directory' };
  try {
    const marker = JSON.parse(await readFile(markerPath(stateDir), 'utf8')) as Partial<LabMarker>;
    if (marker?.kind === 'IngressDoctorLab' && marker.name === name) return { kind: 'lab', legacy: false };
    if (marker?.kind === 'IngressDoctorLab')
      return { kind: 'foreign', reason: `belongs to lab "${String(marker.name)}", not "${name}"` };
  } catch {
    // no marker (or not ours): decided below
  }
  // Labs made before the marker existed: a state file naming exactly this lab and this directory.
  const legacy = await readState(stateDir);
  if (legacy && legacy.name === name && legacy.stateDir === stateDir) return { kind: 'lab', legacy: true };
  const entries = await readdir(stateDir).catch(() => undefined);
  if (entries && entries.length === 0) return { kind: 'empty' };
  return {
    kind: 'foreign',
    reason: `is not a lab's state directory (it has no ${LAB_MARKER} marker${entries ? ` and holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}` : ''})`,
  };
}

/** Throws ForeignStateDirError unless the directory is absent, empty or this lab's own. */
export async function assertOwnStateDir(stateDir: string, name: string, verb: string): Promise<StateDirKind> {
  const found = await inspectStateDir(stateDir, name);
  if (found.kind === 'foreign') {
    throw new ForeignStateDirError(
      `${stateDir} ${found.reason}; refusing to ${verb} it, nothing was deleted. ` +
        'Check INGRESS_DOCTOR_LAB_DIR (the parent directory of lab state directories; default /run/ingress-doctor/labs).',
    );
  }
  return found;
}

/** Creates the state directory and marks it as this lab's own (before anything else is written into it). */
export async function createStateDir(stateDir: string, name: string): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o755 });
  const marker: LabMarker = { kind: 'IngressDoctorLab', name, stateDir };
  await writeFile(markerPath(stateDir), `${JSON.stringify(marker)}\n`);
}

/**
 * One `lab up`/`lab down` at a time per lab name: a lock file beside the state directory holding the PID of its
 * owner. Another command waits for it (bounded), takes over a lock whose owner is gone, and fails with the owner's
 * PID when the wait is over; it never works on a half-built lab.
 */
export async function withLabLock<T>(stateDir: string, fn: () => Promise<T>, waitMs = 60_000): Promise<T> {
  const file = `${stateDir}.lock`;
  await mkdir(path.dirname(file), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const text = (await readFile(file, 'utf8').catch(() => '')).trim();
      const owner = Number(text);
      // An empty file is a lock being written right now: only a named owner that is gone is taken over.
      const gone =
        text !== '' &&
        owner > 0 &&
        !(await stat(`/proc/${owner}`).then(
          () => true,
          () => false,
        ));
      if (gone) {
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() >= deadline)
        throw new LabBusyError(
          `lab ${path.basename(stateDir)} is being built or removed by PID ${owner}; try again when it is done`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}

/** Another command holds the lab's lock. */
export class LabBusyError extends Error {}
